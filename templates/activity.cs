<?cs # The activity stream ({base}/activity): every var: is HTML-escaped
     (Config.VarEscapeMode = html); uvar: only for i.html, which text.c
     made safe and mention.c only added links to. ?><!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{{t:stream.activity}}<?cs if:Activity.user ?> {{t:stream.by_user user=Activity.user}}<?cs /if ?><?cs if:Activity.section ?> {{t:stream.in_section section=Activity.section}}<?cs /if ?></title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.css" />
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/activity.css" />
<link rel="alternate" type="application/atom+xml" title="{{t:stream.atom_title}}" href="<?cs var:Activity.atom ?>" />
</head>
<body class="social-page" data-social-tz="<?cs var:Social.tz ?>">
<header class="social-bar"><a class="social-home" href="/">{{t:stream.intranet}}</a>
<nav class="social-nav"><a href="<?cs var:Social.endpoint ?>/activity" aria-current="page">{{t:stream.activity}}</a><?cs if:Social.user ?> <a class="social-for-you" href="<?cs var:Social.endpoint ?>/notifications">{{t:stream.for_you}}<?cs if:Social.unread > 0 ?> <span class="social-unread">{{t:stream.unread_paren count=Social.unread}}</span><?cs /if ?></a> <bdi class="social-who"><?cs var:Social.name ?></bdi><?cs /if ?></nav></header>
<main class="social social-activity" role="main">
<h1 class="social-title">{{t:stream.activity}}<?cs if:Activity.user ?> {{t:stream.by_user user=Activity.user}}<?cs /if ?><?cs if:Activity.section ?> {{t:stream.in_section section=Activity.section}}<?cs /if ?></h1>
<form accept-charset="utf-8" class="social-filter" method="get" action="<?cs var:Social.endpoint ?>/activity">
<label for="social-filter-user">{{t:stream.filter_person}}</label> <input type="text" id="social-filter-user" name="user" value="<?cs var:Activity.user ?>" />
<label for="social-filter-section">{{t:stream.filter_section}}</label> <input type="text" id="social-filter-section" name="section" value="<?cs var:Activity.section ?>" />
<button type="submit">{{t:stream.filter}}</button> <a href="<?cs var:Social.endpoint ?>/activity">{{t:stream.all_activity}}</a> <a class="social-feed" href="<?cs var:Activity.atom ?>">{{t:stream.atom_feed}}</a>
</form>
<?cs if:subcount(Activity.items) == 0 ?><p class="social-empty">{{t:stream.empty}}</p><?cs /if ?>
<ol class="social-stream">
<?cs each:i = Activity.items ?><li class="social-item social-item-<?cs var:i.kind ?>" data-social-kind="<?cs var:i.kind ?>">
<p class="social-meta"><?cs if:i.code != "v" ?><a class="social-author" href="<?cs var:Social.endpoint ?>/activity?user=<?cs var:i.user_q ?>"><bdi><?cs var:i.name ?></bdi></a> <?cs /if ?><?cs if:i.code == "c" ?><?cs if:i.reply ?>{{t:stream.replied_on}}<?cs else ?>{{t:stream.commented_on}}<?cs /if ?><?cs elif:i.code == "s" ?>{{t:stream.shared}}<?cs elif:i.code == "p" ?>{{t:stream.liked}}<?cs elif:i.code == "l" ?>{{t:stream.liked_comment_before}} <bdi><?cs var:i.subject ?></bdi>{{t:stream.liked_comment_after}}<?cs elif:i.code == "i" ?>{{t:stream.suggested_idea_on}}<?cs elif:i.code == "u" ?>{{t:stream.idea_status_on}}<?cs else ?>{{t:stream.new_poll_on}}<?cs /if ?>
<a class="social-item-page" href="<?cs var:i.href ?>"<?cs if:i.page_title ?> title="<?cs var:i.page ?>"><bdi><?cs var:i.page_title ?></bdi><?cs else ?>><?cs var:i.page ?><?cs /if ?></a>
<time class="social-time" datetime="<?cs var:i.created_iso ?>" title="<?cs var:i.created_abs ?>"><?cs var:i.created_rel ?></time></p>
<?cs if:i.code == "c" ?><div class="social-body" dir="auto"><?cs uvar:i.html ?></div>
<?cs elif:i.code == "s" && i.text ?><blockquote class="social-note" dir="auto"><?cs var:i.text ?></blockquote>
<?cs elif:i.code == "i" ?><p class="social-idea-summary" dir="auto"><?cs var:i.text ?></p>
<?cs elif:i.code == "u" ?><p class="social-idea-summary"><bdi><?cs var:i.text ?></bdi> &#8212; <span class="social-badge"><bdi><?cs if:i.subject == "new" ?>{{t:ideas.status_new}}<?cs elif:i.subject == "under review" ?>{{t:ideas.status_under_review}}<?cs elif:i.subject == "planned" ?>{{t:ideas.status_planned}}<?cs elif:i.subject == "done" ?>{{t:ideas.status_done}}<?cs elif:i.subject == "declined" ?>{{t:ideas.status_declined}}<?cs else ?><?cs var:i.subject ?><?cs /if ?></bdi></span></p>
<?cs elif:i.code == "v" ?><p class="social-poll-summary"><bdi><?cs var:i.text ?></bdi><?cs if:i.ballots != "" ?> &#8212; <span class="social-ballots">{{n:stream.votes i.ballots}}</span><?cs /if ?></p>
<?cs /if ?></li>
<?cs /each ?></ol>
<?cs if:Activity.older ?><p class="social-older"><a rel="next" href="<?cs var:Activity.older ?>">{{t:stream.older}}</a></p><?cs /if ?>
</main>
<script src="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/messages-<?cs var:Social.lang ?>.js?v=<?cs var:Social.messages_stamp ?>" defer="defer"></script><script src="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/social.js" defer="defer"></script>
</body>
</html>
