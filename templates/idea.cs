<?cs # One idea on a page of its own, with its discussion (an ordinary
     comment thread keyed PAGE#idea-ID). Every var: is HTML-escaped. ?><?cs def:idea_status_name(s) ?><?cs if:s == "new" ?>{{t:ideas.status_new}}<?cs elif:s == "under review" ?>{{t:ideas.status_under_review}}<?cs elif:s == "planned" ?>{{t:ideas.status_planned}}<?cs elif:s == "done" ?>{{t:ideas.status_done}}<?cs elif:s == "declined" ?>{{t:ideas.status_declined}}<?cs else ?><?cs var:s ?><?cs /if ?><?cs /def ?><?cs def:idea_item(i) ?><li class="social-idea" id="idea-<?cs var:i.id ?>" data-social-idea-id="<?cs var:i.id ?>">
<div class="social-idea-votes"><span class="social-idea-count" data-social-votes="<?cs var:i.votes ?>">{{n:ideas.votes i.votes}}</span>
<?cs if:Board.can_vote ?><form accept-charset="utf-8" class="social-form social-inline social-idea-vote-form" method="post" action="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><?cs if:i.voted ?><input type="hidden" name="action" value="unvote" /><button type="submit" class="social-idea-unvote" aria-pressed="true">{{t:ideas.unvote}}</button><?cs else ?><input type="hidden" name="action" value="vote" /><button type="submit" class="social-idea-vote" aria-pressed="false">{{t:ideas.vote}}</button><?cs /if ?></form><?cs /if ?></div>
<h1 class="social-idea-title"><a href="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><?cs var:i.title ?></a> <span class="social-badge social-idea-status"><?cs call:idea_status_name(i.status) ?></span></h1>
<div class="social-body" dir="auto"><?cs uvar:i.html ?></div>
<p class="social-idea-by">{{t:ideas.suggested_by}} <bdi><?cs var:i.author ?></bdi>{{t:ideas.suggested_when when=i.created}} <a class="social-idea-discuss" href="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>#social">{{n:ideas.comments i.comments}}</a></p>
<?cs if:i.response ?><blockquote class="social-idea-response"><p><strong>{{t:ideas.response}}</strong> <span dir="auto"><?cs var:i.response ?></span></p></blockquote>
<?cs /if ?><?cs if:Board.can_moderate ?><form accept-charset="utf-8" class="social-form social-idea-status-form" method="post" action="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="status" />
<label for="idea-<?cs var:i.id ?>-status">{{t:ideas.status}}</label> <select id="idea-<?cs var:i.id ?>-status" name="status"><?cs each:s = Board.statuses ?><option value="<?cs var:s.name ?>"<?cs if:s.name == i.status ?> selected="selected"<?cs /if ?>><?cs call:idea_status_name(s.name) ?></option><?cs /each ?></select>
<label for="idea-<?cs var:i.id ?>-response">{{t:ideas.public_response}}</label> <textarea id="idea-<?cs var:i.id ?>-response" name="response" rows="2"><?cs var:i.response ?></textarea>
<button type="submit">{{t:ideas.set_status}}</button></form>
<form accept-charset="utf-8" class="social-form social-inline social-idea-merge-form" method="post" action="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="merge" /><label for="idea-<?cs var:i.id ?>-into">{{t:ideas.duplicate_of}}</label> <input type="number" min="1" id="idea-<?cs var:i.id ?>-into" name="into" /> <button type="submit" class="social-link">{{t:ideas.merge}}</button></form>
<?cs /if ?><?cs if:i.mine || Board.can_moderate ?><form accept-charset="utf-8" class="social-form social-inline" method="post" action="<?cs var:Social.endpoint ?>/ideas/<?cs var:i.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="delete" /><button type="submit" class="social-link">{{t:ideas.delete}}</button></form>
<?cs /if ?></li>
<?cs /def ?><!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title><?cs var:Board.ideas.0.title ?> - <?cs var:Board.title ?></title>
</head>
<body class="social-page" data-social-endpoint="<?cs var:Social.endpoint ?>">
<main class="social social-ideas social-idea-page" role="main">
<p><a href="<?cs var:Social.page ?>#idea-<?cs var:Board.ideas.0.id ?>">{{t:ideas.back_to title=Board.title}}</a></p>
<p class="social-live" role="status" aria-live="polite"><?cs var:Social.status ?></p>
<ol class="social-ideas-list">
<?cs call:idea_item(Board.ideas.0) ?></ol>
<?cs if:!Board.open ?><p><strong>{{t:ideas.closed}}</strong></p><?cs /if ?>
<?cs if:Board.locked ?><p class="social-locked-note" role="note"><strong>{{t:ideas.locked}}</strong> <?cs if:Board.can_moderate ?>{{t:ideas.locked_why_moderator}}<?cs else ?>{{t:ideas.locked_why}}<?cs /if ?></p>
<?cs /if ?></main>
<div class="social-idea-thread"><?cs uvar:Board.thread_html ?></div>
</body>
</html>
