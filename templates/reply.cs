<?cs # Replying to a comment without JavaScript (the discussion's Reply
     link; the widget opens the same form under the comment): the
     comment, the reply's box, and a way back. Every var: is
     HTML-escaped. ?><!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{{t:block.reply}}</title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
</head>
<body class="social-page">
<main class="social social-message" role="main">
<h1 class="social-title">{{t:block.reply}}</h1>
<blockquote class="social-quote"><p>{{t:block.report_wrote name=bdi:Comment.name}}</p><p class="social-reply-quote" dir="auto"><?cs var:Comment.body ?></p></blockquote>
<form accept-charset="utf-8" class="social-form social-reply-form" method="post" action="<?cs var:Social.endpoint ?>/comments">
<input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="page" value="<?cs var:Comment.page ?>" /><input type="hidden" name="parent" value="<?cs var:Comment.id ?>" />
<label for="social-reply-body">{{t:block.reply_to name=bdi:Comment.name}}</label>
<textarea id="social-reply-body" dir="auto" name="body" rows="5" required="required"></textarea>
<button type="submit">{{t:block.post_reply}}</button>
</form>
<p><a href="<?cs var:Comment.page ?>#comment-<?cs var:Comment.id ?>">{{t:block.back_to_page}}</a></p>
</main>
</body>
</html>
