<?cs # Without JavaScript: the question the widget asks with a dialog
     before deleting a comment. Posting the form deletes it; the link goes
     back to it untouched. Every var: is HTML-escaped. ?><!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{{t:block.delete_confirm}}</title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
</head>
<body class="social-page">
<main class="social social-message" role="main">
<h1 class="social-title">{{t:block.delete_confirm}}</h1>
<p class="social-message-text"><?cs if:Comment.replies > 0 ?>{{t:block.delete_cannot_undo_replies}}<?cs else ?>{{t:block.delete_cannot_undo}}<?cs /if ?></p>
<blockquote class="social-quote social-confirm-quote"><p><strong><bdi><?cs var:Comment.name ?></bdi></strong></p><p class="social-confirm-body" dir="auto"><?cs var:Comment.body ?></p></blockquote>
<form accept-charset="utf-8" class="social-form social-confirm-form" method="post" action="<?cs var:Social.endpoint ?>/comments/<?cs var:Comment.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="delete" /><input type="hidden" name="confirmed" value="1" />
<button type="submit">{{t:block.delete_the_comment}}</button>
<a class="social-confirm-keep" href="<?cs var:Comment.page ?>#comment-<?cs var:Comment.id ?>">{{t:block.keep_it}}</a>
</form>
</main>
</body>
</html>
