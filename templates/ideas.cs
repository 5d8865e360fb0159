<?cs # An ideas board, as placed after its marker in the page and sent back
     after a form post from the widget. Every var: is HTML-escaped; uvar:
     only for the idea's text, formatted (and escaped) like a comment's.
     Well-formed XML too. ?><?cs def:idea_item(i) ?><li class="social-idea" id="idea-<?cs var:i.id ?>" data-social-idea-id="<?cs var:i.id ?>">
<div class="social-idea-votes"><span class="social-idea-count"><?cs var:i.votes ?></span> vote<?cs if:i.votes != 1 ?>s<?cs /if ?>
<?cs if:Board.can_vote ?><form class="social-form social-inline social-idea-vote-form" method="post" action="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><?cs if:i.voted ?><input type="hidden" name="action" value="unvote" /><button type="submit" class="social-idea-unvote" aria-pressed="true">Take back my vote</button><?cs else ?><input type="hidden" name="action" value="vote" /><button type="submit" class="social-idea-vote" aria-pressed="false">Vote</button><?cs /if ?></form><?cs /if ?></div>
<h3 class="social-idea-title"><a href="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><?cs var:i.title ?></a> <span class="social-badge social-idea-status"><?cs var:i.status ?></span></h3>
<div class="social-body" dir="auto"><?cs uvar:i.html ?></div>
<p class="social-idea-by">Suggested by <bdi><?cs var:i.author ?></bdi>, <?cs var:i.created ?>. <a class="social-idea-discuss" href="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>#social"><?cs var:i.comments ?> comment<?cs if:i.comments != 1 ?>s<?cs /if ?></a></p>
<?cs if:i.response ?><blockquote class="social-idea-response"><p><strong>Response:</strong> <span dir="auto"><?cs var:i.response ?></span></p></blockquote>
<?cs /if ?><?cs if:Board.can_moderate ?><form class="social-form social-idea-status-form" method="post" action="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="status" />
<label for="idea-<?cs var:i.id ?>-status">Status</label> <select id="idea-<?cs var:i.id ?>-status" name="status"><?cs each:s = Board.statuses ?><option value="<?cs var:s.name ?>"<?cs if:s.name == i.status ?> selected="selected"<?cs /if ?>><?cs var:s.name ?></option><?cs /each ?></select>
<label for="idea-<?cs var:i.id ?>-response">Public response</label> <textarea id="idea-<?cs var:i.id ?>-response" name="response" rows="2"><?cs var:i.response ?></textarea>
<button type="submit">Set status</button></form>
<form class="social-form social-inline social-idea-merge-form" method="post" action="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="merge" /><label for="idea-<?cs var:i.id ?>-into">Duplicate of idea number</label> <input type="number" min="1" id="idea-<?cs var:i.id ?>-into" name="into" /> <button type="submit" class="social-link">Merge</button></form>
<?cs /if ?><?cs if:i.mine || Board.can_moderate ?><form class="social-form social-inline" method="post" action="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="delete" /><button type="submit" class="social-link">Delete idea</button></form>
<?cs /if ?></li>
<?cs /def ?><section class="social social-ideas" aria-labelledby="ideas-<?cs var:Board.name ?>-title" data-social-ideas-board="<?cs var:Board.name ?>" data-social-page="<?cs var:Social.page ?>">
<h2 class="social-ideas-title" id="ideas-<?cs var:Board.name ?>-title"><?cs var:Board.title ?></h2>
<p class="social-live" role="status" aria-live="polite"><?cs var:Social.status ?></p>
<p class="social-ideas-meta"><?cs var:Board.count ?> idea<?cs if:Board.count != 1 ?>s<?cs /if ?>. <?cs if:!Board.open ?><strong>The board is closed.</strong><?cs elif:Board.closes ?>Open until <?cs var:Board.closes ?>.<?cs /if ?><?cs if:Board.anonymous && Board.open ?> Log in to suggest ideas and vote.<?cs /if ?></p>
<?cs if:Board.locked ?><p class="social-locked-note" role="note"><strong>This discussion is locked.</strong> A moderator closed it: no new ideas, votes or comments<?cs if:Board.can_moderate ?> (moderators may still act)<?cs /if ?>.</p>
<?cs /if ?><form class="social-ideas-view" method="get" action="<?cs var:Social.page ?>#ideas-<?cs var:Board.name ?>">
<label for="ideas-<?cs var:Board.name ?>-sort">Sort by</label> <select id="ideas-<?cs var:Board.name ?>-sort" name="ideas_sort"><option value="votes"<?cs if:Board.sort == "votes" ?> selected="selected"<?cs /if ?>>most votes</option><option value="newest"<?cs if:Board.sort == "newest" ?> selected="selected"<?cs /if ?>>newest</option><option value="status"<?cs if:Board.sort == "status" ?> selected="selected"<?cs /if ?>>status</option></select>
<label for="ideas-<?cs var:Board.name ?>-filter">Show</label> <select id="ideas-<?cs var:Board.name ?>-filter" name="ideas_status"><option value="">every status</option><?cs each:s = Board.statuses ?><option value="<?cs var:s.name ?>"<?cs if:s.name == Board.filter ?> selected="selected"<?cs /if ?>><?cs var:s.name ?></option><?cs /each ?></select>
<button type="submit">Show</button></form>
<ol class="social-ideas-list">
<?cs each:i = Board.ideas ?><?cs call:idea_item(i) ?><?cs /each ?></ol>
<?cs if:Board.can_submit ?><form class="social-form social-idea-form" method="post" action="<?cs var:Social.endpoint ?>/ideas">
<input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="page" value="<?cs var:Social.page ?>" /><input type="hidden" name="board" value="<?cs var:Board.name ?>" />
<label for="ideas-<?cs var:Board.name ?>-new-title">Your idea</label> <input type="text" id="ideas-<?cs var:Board.name ?>-new-title" name="title" maxlength="<?cs var:Board.title_max ?>" required="required" />
<label for="ideas-<?cs var:Board.name ?>-new-text">Describe it</label> <textarea id="ideas-<?cs var:Board.name ?>-new-text" dir="auto" name="text" rows="3" data-social-max="<?cs var:Board.max_length ?>" required="required" placeholder="Plain text; **bold**, *italic*, `code`, - lists and links work."></textarea>
<button type="submit">Submit idea</button></form>
<?cs /if ?></section>
