<?cs # Without JavaScript: a comment names someone nobody of that name has
     used the discussions. The text comes back, to correct or to post as it
     is. Every var: is HTML-escaped. ?><!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{{t:block.mentions_title}}</title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
</head>
<body class="social-page">
<main class="social social-message" role="main">
<h1 class="social-title">{{t:block.mentions_title}}</h1>
<p class="social-message-text" role="status">{{t:block.mentions_unknown names=Mentions.unknown}}</p>
<form accept-charset="utf-8" class="social-form social-mentions-form" method="post" action="<?cs var:Social.endpoint ?>/comments">
<?cs each:f = Mentions.fields ?><input type="hidden" name="<?cs name:f ?>" value="<?cs var:f.value ?>" /><?cs /each ?><input type="hidden" name="mentions_checked" value="1" />
<label for="social-mentions-body">{{t:block.your_comment}}</label>
<textarea id="social-mentions-body" name="body" rows="6" cols="60" required="required"><?cs var:Mentions.body ?></textarea>
<button type="submit">{{t:block.post_the_comment}}</button>
</form>
<p><a href="<?cs var:Mentions.page ?>#social">{{t:block.back_to_page}}</a></p>
</main>
</body>
</html>
