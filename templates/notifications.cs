<?cs # "For you" ({base}/notifications): every var: is HTML-escaped. ?><!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{{t:stream.for_you}}<?cs if:Social.unread > 0 ?> (<?cs var:Social.unread ?>)<?cs /if ?></title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/activity.css" />
</head>
<body class="social-page" data-social-tz="<?cs var:Social.tz ?>">
<header class="social-bar"><a class="social-home" href="/">{{t:stream.intranet}}</a>
<nav class="social-nav"><a href="<?cs var:Social.endpoint ?>/activity">{{t:stream.activity}}</a> <a class="social-for-you" href="<?cs var:Social.endpoint ?>/notifications" aria-current="page">{{t:stream.for_you}}<?cs if:Social.unread > 0 ?> <span class="social-unread">{{t:stream.unread_paren count=Social.unread}}</span><?cs /if ?></a> <bdi class="social-who"><?cs var:Social.name ?></bdi></nav></header>
<main class="social social-notifications" role="main">
<h1 class="social-title">{{t:stream.for_you}}</h1>
<p class="social-live" role="status" aria-live="polite"><?cs var:Social.status ?></p>
<p class="social-unread-count" data-social-unread="<?cs var:Social.unread ?>"><?cs if:Social.unread == 0 ?>{{t:stream.nothing_unread}}<?cs else ?>{{n:stream.unread_notifications Social.unread}}<?cs /if ?></p>
<?cs if:Social.unread > 0 ?><form accept-charset="utf-8" class="social-form social-inline" method="post" action="<?cs var:Social.endpoint ?>/notifications/read-all"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><button type="submit" class="social-read-all">{{t:stream.mark_all_read}}</button></form><?cs /if ?>
<?cs if:subcount(Notify.items) == 0 ?><p class="social-empty">{{t:stream.no_notifications user=Social.user}}</p><?cs /if ?>
<ol class="social-stream">
<?cs each:n = Notify.items ?><li id="notification-<?cs var:n.id ?>" class="social-item social-note-<?cs var:n.kind ?><?cs if:n.read == "0" ?> social-unread-item<?cs /if ?>" data-social-id="<?cs var:n.id ?>">
<p class="social-meta"><a href="<?cs var:n.href ?>"<?cs if:n.page_title ?> title="<?cs var:n.page ?>"<?cs /if ?>><bdi><?cs var:n.title ?></bdi></a> <time class="social-time" datetime="<?cs var:n.created_iso ?>" title="<?cs var:n.created_abs ?>"><?cs var:n.created_rel ?></time><?cs if:n.read == "0" ?> <span class="social-badge">{{t:stream.new_badge}}</span><?cs /if ?></p>
<?cs if:n.text ?><blockquote class="social-note" dir="auto"><?cs var:n.text ?></blockquote><?cs /if ?>
<?cs if:n.kind == "follow" || n.kind == "thread" ?><form accept-charset="utf-8" class="social-form social-inline social-unfollow" method="post" action="<?cs var:Social.endpoint ?>/follow"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="unfollow" /><input type="hidden" name="page" value="<?cs var:n.page ?>" /><?cs if:n.thread ?><input type="hidden" name="thread" value="<?cs var:n.thread ?>" /><?cs /if ?><input type="hidden" name="back" value="notifications" /><button type="submit" class="social-link"><?cs if:n.thread ?>{{t:stream.unfollow_thread}}<?cs else ?>{{t:stream.unfollow_page}}<?cs /if ?></button></form> <?cs /if ?><?cs if:n.read == "0" ?><form accept-charset="utf-8" class="social-form social-inline" method="post" action="<?cs var:Social.endpoint ?>/notifications/<?cs var:n.id ?>/read"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><button type="submit" class="social-link social-mark-read">{{t:stream.mark_read}}</button></form><?cs /if ?>
</li>
<?cs /each ?></ol>
<section class="social-settings" aria-labelledby="social-settings-heading">
<h2 id="social-settings-heading">{{t:stream.email}}</h2>
<?cs if:Notify.mail_configured == "0" ?><p>{{t:stream.no_mail_configured}}</p><?cs else ?>
<p class="social-email-state"><?cs if:Notify.email == "1" ?>{{t:stream.email_on}}<?cs else ?>{{t:stream.email_off}}<?cs /if ?></p>
<form accept-charset="utf-8" class="social-form" method="post" action="<?cs var:Social.endpoint ?>/notifications/settings"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><?cs if:Notify.email == "1" ?><input type="hidden" name="email" value="off" /><button type="submit" class="social-email-toggle">{{t:stream.stop_email}}</button><?cs else ?><input type="hidden" name="email" value="on" /><button type="submit" class="social-email-toggle">{{t:stream.send_email}}</button><?cs /if ?></form><?cs /if ?>
</section>
</main>
<script src="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/messages-<?cs var:Social.lang ?>.js?v=<?cs var:Social.messages_stamp ?>" defer="defer"></script><script src="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.js" defer="defer"></script>
</body>
</html>
