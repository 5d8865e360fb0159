<?cs # Without JavaScript: a comment names someone nobody of that name has
     used the discussions. The text comes back, to correct or to post as it
     is. Every var: is HTML-escaped. ?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Check the names you mentioned</title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
</head>
<body class="social-page">
<main class="social social-message" role="main">
<h1 class="social-title">Check the names you mentioned</h1>
<p class="social-message-text" role="status">Nobody called <?cs var:Mentions.unknown ?> has used the intranet's discussions yet: they will not be notified. Correct the name, or post the comment as it is.</p>
<form class="social-form social-mentions-form" method="post" action="<?cs var:Social.endpoint ?>/comments">
<?cs each:f = Mentions.fields ?><input type="hidden" name="<?cs name:f ?>" value="<?cs var:f.value ?>" /><?cs /each ?><input type="hidden" name="mentions_checked" value="1" />
<label for="social-mentions-body">Your comment</label>
<textarea id="social-mentions-body" name="body" rows="6" cols="60" required="required"><?cs var:Mentions.body ?></textarea>
<button type="submit">Post the comment</button>
</form>
<p><a href="<?cs var:Mentions.page ?>#social">Back to the page</a></p>
</main>
</body>
</html>
