<?cs # Reporting a comment to the moderators without JavaScript: the
     comment, a reason, and a way back. Every var: is HTML-escaped. ?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Report a comment to the moderators</title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
</head>
<body class="social-page">
<main class="social social-message" role="main">
<h1 class="social-title">Report a comment to the moderators</h1>
<blockquote class="social-quote"><p><bdi><?cs var:Comment.name ?></bdi> wrote:</p><p dir="auto"><?cs var:Comment.body ?></p></blockquote>
<form class="social-form social-report-form" method="post" action="<?cs var:Social.endpoint ?>/comments/<?cs var:Comment.id ?>">
<input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="report" />
<label for="social-report-reason">Why should a moderator look at this? The author is not told who reported it.</label>
<input type="text" id="social-report-reason" name="reason" maxlength="1000" required="required" />
<button type="submit">Report to moderators</button>
</form>
<p><a href="<?cs var:Comment.page ?>#comment-<?cs var:Comment.id ?>">Back to the page</a></p>
</main>
</body>
</html>
