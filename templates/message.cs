<!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title><?cs var:Message.title ?></title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
</head>
<body class="social-page">
<main class="social social-message" role="main">
<h1 class="social-title"><?cs var:Message.title ?></h1>
<p class="social-message-text"><?cs var:Message.text ?></p>
<?cs if:Message.kept ?><p><label for="social-kept">{{t:block.kept_text}}</label></p>
<textarea id="social-kept" class="social-kept" readonly="readonly" rows="8" cols="60"><?cs var:Message.kept ?></textarea><?cs /if ?>
<?cs if:Message.back ?><p><a href="<?cs var:Message.back ?>#social">{{t:block.back_to_page}}</a></p><?cs /if ?>
<p class="social-status-code">(HTTP <?cs var:Message.status ?>)</p>
</main>
</body>
</html>
