<?cs # "For you" ({base}/notifications): every var: is HTML-escaped. ?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>For you<?cs if:Social.unread > 0 ?> (<?cs var:Social.unread ?>)<?cs /if ?></title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/activity.css" />
</head>
<body class="social-page">
<header class="social-bar"><a class="social-home" href="/">Intranet</a>
<nav class="social-nav"><a href="<?cs var:Social.endpoint ?>/activity">Activity</a> <a class="social-for-you" href="<?cs var:Social.endpoint ?>/notifications" aria-current="page">For you<?cs if:Social.unread > 0 ?> <span class="social-unread">(<?cs var:Social.unread ?> unread)</span><?cs /if ?></a> <bdi class="social-who"><?cs var:Social.name ?></bdi></nav></header>
<main class="social social-notifications" role="main">
<h1 class="social-title">For you</h1>
<p class="social-live" role="status" aria-live="polite"><?cs var:Social.status ?></p>
<p class="social-unread-count" data-social-unread="<?cs var:Social.unread ?>"><?cs if:Social.unread == 0 ?>Nothing unread.<?cs elif:Social.unread == 1 ?>1 unread notification.<?cs else ?><?cs var:Social.unread ?> unread notifications.<?cs /if ?></p>
<?cs if:Social.unread > 0 ?><form class="social-form social-inline" method="post" action="<?cs var:Social.endpoint ?>/notifications/read-all"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><button type="submit" class="social-read-all">Mark all as read</button></form><?cs /if ?>
<?cs if:subcount(Notify.items) == 0 ?><p class="social-empty">No notifications yet. Replies to your comments, mentions of @<?cs var:Social.user ?>, pages shared with you, likes of your comments and new comments on pages and threads you follow appear here.</p><?cs /if ?>
<ol class="social-stream">
<?cs each:n = Notify.items ?><li id="notification-<?cs var:n.id ?>" class="social-item social-note-<?cs var:n.kind ?><?cs if:n.read == "0" ?> social-unread-item<?cs /if ?>" data-social-id="<?cs var:n.id ?>">
<p class="social-meta"><a href="<?cs var:n.href ?>"<?cs if:n.page_title ?> title="<?cs var:n.page ?>"<?cs /if ?>><bdi><?cs var:n.title ?></bdi></a> <time class="social-time" datetime="<?cs var:n.created_iso ?>" title="<?cs var:n.created_abs ?>"><?cs var:n.created_rel ?></time><?cs if:n.read == "0" ?> <span class="social-badge">new</span><?cs /if ?></p>
<?cs if:n.text ?><blockquote class="social-note" dir="auto"><?cs var:n.text ?></blockquote><?cs /if ?>
<?cs if:n.kind == "follow" || n.kind == "thread" ?><form class="social-form social-inline social-unfollow" method="post" action="<?cs var:Social.endpoint ?>/follow"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="unfollow" /><input type="hidden" name="page" value="<?cs var:n.page ?>" /><?cs if:n.thread ?><input type="hidden" name="thread" value="<?cs var:n.thread ?>" /><?cs /if ?><input type="hidden" name="back" value="notifications" /><button type="submit" class="social-link"><?cs if:n.thread ?>Unfollow this thread<?cs else ?>Unfollow this page<?cs /if ?></button></form> <?cs /if ?><?cs if:n.read == "0" ?><form class="social-form social-inline" method="post" action="<?cs var:Social.endpoint ?>/notifications/<?cs var:n.id ?>/read"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><button type="submit" class="social-link social-mark-read">Mark as read</button></form><?cs /if ?>
</li>
<?cs /each ?></ol>
<section class="social-settings" aria-labelledby="social-settings-heading">
<h2 id="social-settings-heading">E-mail</h2>
<?cs if:Notify.mail_configured == "0" ?><p>This intranet sends no notification e-mail.</p><?cs else ?>
<p class="social-email-state"><?cs if:Notify.email == "1" ?>You get an e-mail digest of new notifications.<?cs else ?>You get no notification e-mail.<?cs /if ?></p>
<form class="social-form" method="post" action="<?cs var:Social.endpoint ?>/notifications/settings"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><?cs if:Notify.email == "1" ?><input type="hidden" name="email" value="off" /><button type="submit" class="social-email-toggle">Stop e-mails</button><?cs else ?><input type="hidden" name="email" value="on" /><button type="submit" class="social-email-toggle">Send me e-mails</button><?cs /if ?></form><?cs /if ?>
</section>
</main>
</body>
</html>
