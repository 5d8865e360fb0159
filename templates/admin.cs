<?cs # The moderation console ({base}/admin): the queue, locks, polls, bans
     and audit log; the engagement dashboard; and refusals. Every var: is
     HTML-escaped (Config.VarEscapeMode = html); the chart's coordinates
     are computed in C (report.c). ?>
<?cs def:series_name(s) ?><?cs if:s.key == "comments" ?>{{t:console.comments}}<?cs elif:s.key == "likes" ?>{{t:console.likes_heading}}<?cs elif:s.key == "shares" ?>{{t:console.shares}}<?cs elif:s.key == "ballots" ?>{{t:console.poll_ballots}}<?cs elif:s.key == "ideas" ?>{{t:console.ideas}}<?cs elif:s.key == "idea_votes" ?>{{t:console.idea_votes}}<?cs elif:s.key == "responses" ?>{{t:console.survey_responses}}<?cs else ?><?cs var:s.name ?><?cs /if ?><?cs /def ?>
<?cs def:token() ?><input type="hidden" name="token" value="<?cs var:Admin.token ?>" /><?cs /def ?>
<!DOCTYPE html>
<html lang="<?cs var:Social.lang ?>" dir="<?cs var:Social.dir ?>">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="robots" content="noindex" />
<title><?cs if:Admin.view == "dashboard" ?>{{t:console.engagement}}<?cs elif:Admin.view == "error" ?>{{t:console.refused_title}}<?cs else ?>{{t:console.title}}<?cs /if ?></title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/admin.css" />
</head>
<body class="social-admin">
<?cs if:Admin.view == "error" ?>
<main class="admin-error" role="main">
<h1>{{t:console.title}}</h1>
<p class="admin-message" role="alert"><?cs var:Admin.message ?></p>
<p class="admin-status">{{t:console.http_status status=Admin.status}}</p>
<?cs if:Admin.user ?><p><a href="<?cs var:Social.endpoint ?>/admin">{{t:console.back}}</a></p><?cs /if ?>
</main>
<?cs else ?>
<header class="admin-header">
<h1><?cs if:Admin.view == "dashboard" ?>{{t:console.engagement}}<?cs else ?>{{t:console.title}}<?cs /if ?></h1>
<nav aria-label="{{t:console.nav}}"><a href="<?cs var:Social.endpoint ?>/admin"<?cs if:Admin.view == "queue" ?> aria-current="page"<?cs /if ?>>{{t:console.queue}}</a> <a href="<?cs var:Social.endpoint ?>/admin/dashboard"<?cs if:Admin.view == "dashboard" ?> aria-current="page"<?cs /if ?>>{{t:console.engagement_exports}}</a>
<span class="admin-who">{{t:console.signed_in_as}} <bdi><?cs var:Admin.name ?></bdi> (<?cs var:Admin.user ?>)</span></nav>
</header>
<main role="main">
<?cs if:Admin.done ?><p class="admin-done" role="status"><?cs var:Admin.done ?></p><?cs /if ?>
<?cs if:Admin.view == "queue" ?>
<section id="queue" aria-labelledby="queue-heading">
<h2 id="queue-heading">{{t:console.recent_comments}}</h2>
<form accept-charset="utf-8" class="admin-filter" method="get" action="<?cs var:Social.endpoint ?>/admin">
<label>{{t:console.page}} <input type="text" name="page" value="<?cs var:Filter.page ?>" placeholder="/news/a.html" /></label>
<label>{{t:console.person}} <input type="text" name="person" value="<?cs var:Filter.person ?>" placeholder="{{t:console.user_name}}" /></label>
<label>{{t:console.status}} <select name="status"><option value="">{{t:console.any}}</option><option value="pending"<?cs if:Filter.status == "pending" ?> selected="selected"<?cs /if ?>>{{t:console.status_pending}}</option><option value="visible"<?cs if:Filter.status == "visible" ?> selected="selected"<?cs /if ?>>{{t:console.status_visible}}</option><option value="hidden"<?cs if:Filter.status == "hidden" ?> selected="selected"<?cs /if ?>>{{t:console.status_hidden}}</option><option value="deleted"<?cs if:Filter.status == "deleted" ?> selected="selected"<?cs /if ?>>{{t:console.status_deleted}}</option></select></label>
<label><input type="checkbox" name="reported" value="1"<?cs if:Filter.reported ?> checked="checked"<?cs /if ?> /> {{t:console.only_reported}}</label>
<button type="submit">{{t:console.filter}}</button></form>
<?cs if:subcount(Queue) == 0 ?><p class="admin-empty">{{t:console.no_match}}</p><?cs else ?>
<form accept-charset="utf-8" id="bulk" class="admin-bulk" method="post" action="<?cs var:Social.endpoint ?>/admin/comments"><?cs call:token() ?>
<table class="admin-queue">
<thead><tr><th scope="col">{{t:console.select}}</th><th scope="col">{{t:console.comment}}</th><th scope="col">{{t:console.page}}</th><th scope="col">{{t:console.author}}</th><th scope="col">{{t:console.status}}</th><th scope="col">{{t:console.written}}</th></tr></thead>
<tbody>
<?cs each:q = Queue ?><tr id="queue-<?cs var:q.id ?>" class="admin-status-<?cs var:q.status ?>">
<td><input type="checkbox" name="id" value="<?cs var:q.id ?>" id="select-<?cs var:q.id ?>" aria-label="{{t:console.select_comment id=q.id}}" /></td>
<td><span class="admin-id">#<?cs var:q.id ?></span><?cs if:q.parent ?> <span class="admin-reply">{{t:console.reply_to id=q.parent}}</span><?cs /if ?>
<?cs if:q.removed ?><details class="admin-removed"><summary>{{t:console.removed_show}}</summary><div class="admin-body" dir="auto"><?cs var:q.removed ?></div></details><?cs elif:q.status == "deleted" ?><div class="admin-body admin-gone">{{t:console.deleted_by_author}}</div><?cs else ?><div class="admin-body" dir="auto"><?cs var:q.body ?></div><?cs /if ?><?cs if:q.likes > 0 ?><span class="admin-likes">{{n:console.likes q.likes}}</span><?cs /if ?><?cs if:q.reports ?><details class="admin-reports"><summary>{{n:console.reports q.reports}}</summary><pre class="admin-report-reasons"><?cs var:q.report_reasons ?></pre></details><?cs /if ?></td>
<td><a href="<?cs var:q.page ?>#comment-<?cs var:q.id ?>"<?cs if:q.page_title ?> title="<?cs var:q.page ?>"><bdi><?cs var:q.page_title ?></bdi></a> <span class="admin-path"><?cs var:q.page ?></span><?cs else ?>><?cs var:q.page ?></a><?cs /if ?></td>
<td><bdi class="admin-author" title="<?cs var:q.author ?>"><?cs var:q.name ?></bdi><br /><span class="admin-user"><?cs var:q.author ?></span></td>
<td><span class="admin-status"><?cs if:q.status == "pending" ?>{{t:console.status_pending}}<?cs elif:q.status == "visible" ?>{{t:console.status_visible}}<?cs elif:q.status == "hidden" ?>{{t:console.status_hidden}}<?cs elif:q.status == "deleted" ?>{{t:console.status_deleted}}<?cs else ?><?cs var:q.status ?><?cs /if ?></span></td>
<td><?cs var:q.created ?></td>
</tr>
<?cs /each ?></tbody></table>
<fieldset class="admin-actions"><legend>{{t:console.with_selected}}</legend>
<label>{{t:console.action}} <select name="action" id="bulk-action"><option value="hide">{{t:console.hide}}</option><option value="unhide">{{t:console.unhide}}</option><option value="approve">{{t:console.approve}}</option><option value="reject">{{t:console.reject}}</option><option value="delete">{{t:console.delete}}</option></select></label>
<label>{{t:console.reason}} <input type="text" name="reason" maxlength="1000" /></label>
<button type="submit" id="bulk-submit">{{t:console.apply}}</button></fieldset>
</form>
<?cs /if ?>
<?cs if:Admin.queue_next ?><p class="admin-more"><a rel="next" href="<?cs var:Social.endpoint ?>/admin?before=<?cs var:Admin.queue_next ?>&amp;page=<?cs var:Filter.page_q ?>&amp;person=<?cs var:Filter.person_q ?>&amp;status=<?cs var:Filter.status_q ?>&amp;reported=<?cs var:Filter.reported ?>">{{t:console.older_comments}}</a></p><?cs /if ?>
</section>

<section id="locks" aria-labelledby="locks-heading">
<h2 id="locks-heading">{{t:console.locked_heading}}</h2>
<?cs if:subcount(Locked) == 0 ?><p class="admin-empty">{{t:console.none_locked}}</p><?cs else ?><ul class="admin-locked"><?cs each:l = Locked ?><li><a href="<?cs var:l.page ?>"<?cs if:l.page_title ?> title="<?cs var:l.page ?>"><bdi><?cs var:l.page_title ?></bdi></a> <span class="admin-path"><?cs var:l.page ?></span><?cs else ?>><?cs var:l.page ?></a><?cs /if ?>
<span class="admin-lock-why"><?cs if:l.by ?><?cs if:l.when ?>{{t:console.locked_by_on by=l.by when=l.when}}<?cs else ?>{{t:console.locked_by by=l.by}}<?cs /if ?><?cs /if ?><?cs if:l.reason ?>: <q dir="auto"><?cs var:l.reason ?></q><?cs else ?> {{t:console.no_reason}}<?cs /if ?></span>
<form accept-charset="utf-8" class="admin-inline" method="post" action="<?cs var:Social.endpoint ?>/admin/lock"><?cs call:token() ?><input type="hidden" name="page" value="<?cs var:l.page ?>" /><input type="hidden" name="action" value="unlock" /><input type="text" name="reason" maxlength="1000" placeholder="{{t:console.reason_placeholder}}" aria-label="{{t:console.reason}}" /><button type="submit">{{t:console.unlock}}</button></form></li>
<?cs /each ?></ul><?cs /if ?>
<form accept-charset="utf-8" class="admin-form" method="post" action="<?cs var:Social.endpoint ?>/admin/lock"><?cs call:token() ?>
<label>{{t:console.page}} <input type="text" name="page" required="required" placeholder="/news/a.html" /></label>
<label>{{t:console.reason}} <input type="text" name="reason" maxlength="1000" /></label>
<label>{{t:console.action}} <select name="action"><option value="lock">{{t:console.lock}}</option><option value="unlock">{{t:console.unlock}}</option></select></label>
<button type="submit">{{t:console.apply}}</button></form>
</section>

<section id="polls" aria-labelledby="polls-heading">
<h2 id="polls-heading">{{t:console.polls}}</h2>
<?cs if:subcount(Polls) == 0 ?><p class="admin-empty">{{t:console.no_polls}}</p><?cs else ?>
<table class="admin-polls"><thead><tr><th scope="col">{{t:console.poll}}</th><th scope="col">{{t:console.page}}</th><th scope="col">{{t:console.ballots}}</th><th scope="col">{{t:console.state}}</th><th scope="col">{{t:console.change}}</th></tr></thead><tbody>
<?cs each:p = Polls ?><tr id="poll-row-<?cs var:p.id ?>"><td><bdi><?cs var:p.question ?></bdi> <span class="admin-user">(<?cs var:p.name ?>)</span></td><td><a href="<?cs var:p.page ?>"<?cs if:p.page_title ?> title="<?cs var:p.page ?>"><bdi><?cs var:p.page_title ?></bdi></a> <span class="admin-path"><?cs var:p.page ?></span><?cs else ?>><?cs var:p.page ?></a><?cs /if ?></td><td><?cs var:p.ballots ?></td><td><?cs if:p.closed == "1" ?>{{t:console.closed}}<?cs else ?>{{t:console.open}}<?cs /if ?></td>
<td><form accept-charset="utf-8" class="admin-inline" method="post" action="<?cs var:Social.endpoint ?>/admin/polls"><?cs call:token() ?><input type="hidden" name="poll" value="<?cs var:p.id ?>" /><input type="hidden" name="action" value="<?cs if:p.closed == "1" ?>reopen<?cs else ?>close<?cs /if ?>" /><input type="text" name="reason" maxlength="1000" placeholder="{{t:console.reason_placeholder}}" aria-label="{{t:console.reason}}" /><button type="submit"><?cs if:p.closed == "1" ?>{{t:console.reopen}}<?cs else ?>{{t:console.close}}<?cs /if ?></button></form></td></tr>
<?cs /each ?></tbody></table><?cs /if ?>
</section>

<section id="bans" aria-labelledby="bans-heading">
<h2 id="bans-heading">{{t:console.bans}}</h2>
<?cs if:subcount(Bans) == 0 ?><p class="admin-empty">{{t:console.no_bans}}</p><?cs else ?>
<table class="admin-bans"><thead><tr><th scope="col">{{t:console.person}}</th><th scope="col">{{t:console.reason}}</th><th scope="col">{{t:console.ends}}</th><th scope="col">{{t:console.by}}</th><th scope="col">{{t:console.lift}}</th></tr></thead><tbody>
<?cs each:b = Bans ?><tr><td><?cs var:b.user ?></td><td dir="auto"><?cs var:b.reason ?></td><td><?cs if:b.expires ?><?cs var:b.expires ?><?cs else ?>{{t:console.when_lifted}}<?cs /if ?></td><td><?cs var:b.by ?></td>
<td><form accept-charset="utf-8" class="admin-inline" method="post" action="<?cs var:Social.endpoint ?>/admin/bans"><?cs call:token() ?><input type="hidden" name="user" value="<?cs var:b.user ?>" /><input type="hidden" name="action" value="unban" /><input type="text" name="reason" maxlength="1000" placeholder="{{t:console.reason_placeholder}}" aria-label="{{t:console.reason}}" /><button type="submit">{{t:console.lift}}</button></form></td></tr>
<?cs /each ?></tbody></table><?cs /if ?>
<form accept-charset="utf-8" class="admin-form" method="post" action="<?cs var:Social.endpoint ?>/admin/bans"><?cs call:token() ?><input type="hidden" name="action" value="ban" />
<label>{{t:console.person}} <input type="text" name="user" required="required" placeholder="{{t:console.user_name}}" /></label>
<label>{{t:console.reason}} <input type="text" name="reason" required="required" maxlength="1000" /></label>
<label>{{t:console.ends_optional}} <input type="text" name="expires" placeholder="2026-12-31 or 2026-12-31T18:00" /></label>
<button type="submit">{{t:console.ban}}</button></form>
</section>

<section id="audit" aria-labelledby="audit-heading">
<h2 id="audit-heading">{{t:console.audit}}</h2>
<?cs if:subcount(Audit) == 0 ?><p class="admin-empty">{{t:console.no_audit}}</p><?cs else ?>
<table class="admin-audit"><thead><tr><th scope="col">{{t:console.when}}</th><th scope="col">{{t:console.who}}</th><th scope="col">{{t:console.what}}</th><th scope="col">{{t:console.target}}</th><th scope="col">{{t:console.why}}</th></tr></thead><tbody>
<?cs each:a = Audit ?><tr class="admin-audit-<?cs var:a.action ?>"><td><?cs var:a.created ?></td><td><?cs var:a.actor ?></td><td><code class="admin-code"><?cs var:a.action ?></code></td><td><code class="admin-code"><?cs var:a.target_kind ?></code><?cs if:a.target_id ?> #<?cs var:a.target_id ?><?cs /if ?> <span class="admin-path"><?cs var:a.target ?></span></td><td dir="auto"><?cs var:a.reason ?></td></tr>
<?cs /each ?></tbody></table><?cs /if ?>
<?cs if:Admin.audit_next ?><p class="admin-more"><a href="<?cs var:Social.endpoint ?>/admin?audit_before=<?cs var:Admin.audit_next ?>#audit">{{t:console.older_entries}}</a></p><?cs /if ?>
</section>
<?cs elif:Admin.view == "dashboard" ?>
<form accept-charset="utf-8" class="admin-filter" method="get" action="<?cs var:Social.endpoint ?>/admin/dashboard">
<label>{{t:console.from}} <input type="date" name="from" value="<?cs var:Period.from ?>" /></label>
<label>{{t:console.to}} <input type="date" name="to" value="<?cs var:Period.to ?>" /></label>
<button type="submit">{{t:console.show}}</button></form>
<section id="activity" aria-labelledby="activity-heading">
<h2 id="activity-heading">{{t:console.per_day from=Period.from to=Period.to}}</h2>
<figure class="admin-chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 <?cs var:Chart.width ?> <?cs var:Chart.height ?>" width="<?cs var:Chart.width ?>" height="<?cs var:Chart.height ?>" role="img" aria-labelledby="chart-title">
<title id="chart-title">{{t:console.chart_title}}</title>
<?cs each:t = Chart.yticks ?><line class="grid" x1="<?cs var:Chart.left ?>" x2="<?cs var:Chart.right ?>" y1="<?cs var:t.y ?>" y2="<?cs var:t.y ?>" stroke="#d1d5db" />
<text x="<?cs var:Chart.left - 6 ?>" y="<?cs var:t.y ?>" text-anchor="end" dominant-baseline="middle" font-size="11"><?cs var:t.label ?></text>
<?cs /each ?><line x1="<?cs var:Chart.left ?>" x2="<?cs var:Chart.left ?>" y1="<?cs var:Chart.top ?>" y2="<?cs var:Chart.bottom ?>" stroke="#6b7280" />
<?cs each:t = Chart.xticks ?><text x="<?cs var:t.x ?>" y="<?cs var:Chart.label_y ?>" text-anchor="middle" font-size="11"><?cs var:t.label ?></text>
<?cs /each ?><?cs each:s = Chart.series ?><polyline class="series series-<?cs var:s.key ?>" fill="none" stroke="<?cs var:s.color ?>" stroke-width="2" points="<?cs var:s.points ?>" />
<?cs /each ?></svg>
<figcaption><?cs each:s = Chart.series ?><span class="legend"><span class="swatch legend-<?cs var:s.key ?>"></span><?cs call:series_name(s) ?>: <?cs var:s.total ?></span> <?cs /each ?></figcaption>
</figure>
<?cs # Only the days something happened on; the quiet ones are counted. ?><?cs set:Admin.quiet_days = 0 ?><?cs set:Admin.busy_days = 0 ?><?cs each:d = Days ?><?cs if:#d.total > 0 ?><?cs set:Admin.busy_days = Admin.busy_days + 1 ?><?cs else ?><?cs set:Admin.quiet_days = Admin.quiet_days + 1 ?><?cs /if ?><?cs /each ?>
<?cs if:Admin.busy_days == 0 ?><p class="admin-empty admin-quiet" data-quiet-days="<?cs var:Admin.quiet_days ?>">{{t:console.nothing_happened}}</p><?cs else ?>
<table class="admin-days"><caption>{{t:console.busy_days}}</caption>
<thead><tr><th scope="col">{{t:console.day}}</th><?cs each:s = Chart.series ?><th scope="col"><?cs call:series_name(s) ?></th><?cs /each ?></tr></thead><tbody>
<?cs each:d = Days ?><?cs if:#d.total > 0 ?><tr><th scope="row"><?cs var:d.date ?></th><?cs each:v = d.values ?><td><?cs var:v.n ?></td><?cs /each ?></tr>
<?cs /if ?><?cs /each ?></tbody></table>
<?cs if:Admin.quiet_days > 0 ?><p class="admin-quiet" data-quiet-days="<?cs var:Admin.quiet_days ?>">{{n:console.quiet_days Admin.quiet_days}}</p><?cs /if ?><?cs /if ?>
</section>
<?cs def:ranking(id, rows) ?><section id="<?cs var:id ?>" aria-labelledby="<?cs var:id ?>-heading">
<h2 id="<?cs var:id ?>-heading"><?cs if:id == "top-pages" ?>{{t:console.top_pages}}<?cs elif:id == "top-people" ?>{{t:console.top_people}}<?cs else ?>{{t:console.top_sections}}<?cs /if ?></h2>
<?cs if:subcount(rows) == 0 ?><p class="admin-empty">{{t:console.nothing_in_period}}</p><?cs else ?>
<table class="admin-rank"><thead><tr><th scope="col"><?cs if:id == "top-pages" ?>{{t:console.page}}<?cs elif:id == "top-people" ?>{{t:console.person}}<?cs else ?>{{t:console.section}}<?cs /if ?></th><th scope="col">{{t:console.comments}}</th><th scope="col">{{t:console.all_actions}}</th></tr></thead><tbody>
<?cs each:k = rows ?><tr><td><?cs if:k.label != k.name ?><bdi><?cs var:k.label ?></bdi> <span class="admin-user">(<?cs var:k.name ?>)</span><?cs else ?><?cs var:k.name ?><?cs /if ?></td><td><?cs var:k.comments ?></td><td><?cs var:k.actions ?></td></tr>
<?cs /each ?></tbody></table><?cs /if ?>
</section><?cs /def ?>
<?cs call:ranking("top-pages", Top.pages) ?>
<?cs call:ranking("top-people", Top.people) ?>
<?cs call:ranking("top-sections", Top.sections) ?>
<section id="exports" aria-labelledby="exports-heading">
<h2 id="exports-heading">{{t:console.exports}}</h2>
<ul class="admin-exports">
<li>{{t:console.export_comments}} <a href="<?cs var:Social.endpoint ?>/admin/export?what=comments&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=comments&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>{{t:console.export_likes}} <a href="<?cs var:Social.endpoint ?>/admin/export?what=likes&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=likes&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>{{t:console.export_shares}} <a href="<?cs var:Social.endpoint ?>/admin/export?what=shares&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=shares&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>{{t:console.export_polls}} <a href="<?cs var:Social.endpoint ?>/admin/export?what=polls&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=polls&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>{{t:console.export_ideas}} <a href="<?cs var:Social.endpoint ?>/admin/export?what=ideas&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=ideas&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>{{t:console.export_audit}} <a href="<?cs var:Social.endpoint ?>/admin/export?what=audit&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=audit&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
</ul>
</section>
<?cs /if ?>
</main>
<?cs /if ?>
</body>
</html>
