<?cs # One idea on a page of its own, with its discussion (an ordinary
     comment thread keyed PAGE#idea-ID). Every var: is HTML-escaped. ?><?cs def:idea_item(i) ?><li class="social-idea" id="idea-<?cs var:i.id ?>" data-social-idea-id="<?cs var:i.id ?>">
<div class="social-idea-votes"><span class="social-idea-count"><?cs var:i.votes ?></span> vote<?cs if:i.votes != 1 ?>s<?cs /if ?>
<?cs if:Board.can_vote ?><form class="social-form social-inline social-idea-vote-form" method="post" action="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><?cs if:i.voted ?><input type="hidden" name="action" value="unvote" /><button type="submit" class="social-idea-unvote" aria-pressed="true">Take back my vote</button><?cs else ?><input type="hidden" name="action" value="vote" /><button type="submit" class="social-idea-vote" aria-pressed="false">Vote</button><?cs /if ?></form><?cs /if ?></div>
<h1 class="social-idea-title"><a href="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><?cs var:i.title ?></a> <span class="social-badge social-idea-status"><?cs var:i.status ?></span></h1>
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
<?cs /def ?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title><?cs var:Board.ideas.0.title ?> - <?cs var:Board.title ?></title>
</head>
<body class="social-page" data-social-endpoint="<?cs var:Social.endpoint ?>">
<main class="social social-ideas social-idea-page" role="main">
<p><a href="<?cs var:Social.page ?>#idea-<?cs var:Board.ideas.0.id ?>">Back to <?cs var:Board.title ?></a></p>
<p class="social-live" role="status" aria-live="polite"><?cs var:Social.status ?></p>
<ol class="social-ideas-list">
<?cs call:idea_item(Board.ideas.0) ?></ol>
<?cs if:!Board.open ?><p><strong>The board is closed.</strong></p><?cs /if ?>
<?cs if:Board.locked ?><p class="social-locked-note" role="note"><strong>This discussion is locked.</strong> A moderator closed it: no new ideas, votes or comments<?cs if:Board.can_moderate ?> (moderators may still act)<?cs /if ?>.</p>
<?cs /if ?></main>
<div class="social-idea-thread"><?cs uvar:Board.thread_html ?></div>
</body>
</html>
