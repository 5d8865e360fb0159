<?cs # A document's discussion ({base}/discuss?page=PATH): the file shown
     where the browser can (a PDF in its own viewer, an image, audio or
     video, plain text), always a download link, then the discussion block
     the output filter inserts into pages. Everything is inside <main>, so
     a site frame (SocialSiteFrame) keeps the breadcrumbs too. Every var:
     is HTML-escaped;
     uvar: only for Document.block, which the module rendered itself. ?><!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title><?cs var:Document.name ?></title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
</head>
<body class="social-page">
<main class="social social-document social-document-<?cs var:Document.kind ?>" role="main">
<nav class="social-breadcrumbs" aria-label="{{t:documents.breadcrumbs}}"><ol><?cs each:c = Document.crumbs ?><li><a href="<?cs var:c.href ?>"><?cs var:c.name ?></a></li><?cs /each ?><li aria-current="page"><?cs var:Document.name ?></li></ol></nav>
<h1 class="social-title"><?cs var:Document.name ?></h1>
<div class="social-document-view">
<?cs if:Document.kind == "pdf" ?><object class="social-document-frame" data="<?cs var:Document.href ?>" type="application/pdf" title="<?cs var:Document.name ?>"><p>{{t:documents.no_pdf}} <a href="<?cs var:Document.href ?>">{{t:documents.open name=Document.name}}</a></p></object>
<?cs elif:Document.kind == "image" ?><img class="social-document-image" src="<?cs var:Document.href ?>" alt="<?cs var:Document.name ?>" />
<?cs elif:Document.kind == "video" ?><video class="social-document-media" controls="controls" preload="metadata" src="<?cs var:Document.href ?>"><a href="<?cs var:Document.href ?>"><?cs var:Document.name ?></a></video>
<?cs elif:Document.kind == "audio" ?><audio class="social-document-media" controls="controls" preload="metadata" src="<?cs var:Document.href ?>"><a href="<?cs var:Document.href ?>"><?cs var:Document.name ?></a></audio>
<?cs elif:Document.kind == "text" ?><iframe class="social-document-frame" sandbox="" src="<?cs var:Document.href ?>" title="<?cs var:Document.name ?>"></iframe>
<?cs else ?><p class="social-document-none"><?cs if:Document.type ?>{{t:documents.cannot_show_type name=Document.name type=Document.type}}<?cs else ?>{{t:documents.cannot_show name=Document.name}}<?cs /if ?></p>
<?cs /if ?></div>
<p class="social-document-download"><a href="<?cs var:Document.href ?>" download="<?cs var:Document.name ?>">{{t:documents.download name=Document.name}}</a><?cs if:Document.size ?> <span class="social-document-size">(<?cs var:Document.size ?>)</span><?cs /if ?></p>
<?cs uvar:Document.block ?>
</main>
</body>
</html>
