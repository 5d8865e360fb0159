<?cs # Reporting a comment to the moderators without JavaScript: the
     comment, a reason, and a way back. Every var: is HTML-escaped. ?><!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{{t:block.report_title}}</title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
</head>
<body class="social-page">
<main class="social social-message" role="main">
<h1 class="social-title">{{t:block.report_title}}</h1>
<blockquote class="social-quote"><p>{{t:block.report_wrote name=bdi:Comment.name}}</p><p dir="auto"><?cs var:Comment.body ?></p></blockquote>
<form accept-charset="utf-8" class="social-form social-report-form" method="post" action="<?cs var:Social.endpoint ?>/comments/<?cs var:Comment.id ?>">
<input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="report" />
<label for="social-report-reason">{{t:block.report_reason}}</label>
<input type="text" id="social-report-reason" name="reason" maxlength="1000" required="required" />
<button type="submit">{{t:block.report_submit}}</button>
</form>
<p><a href="<?cs var:Comment.page ?>#comment-<?cs var:Comment.id ?>">{{t:block.back_to_page}}</a></p>
</main>
</body>
</html>
