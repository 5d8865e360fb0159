<?cs # The moderation console ({base}/admin): the queue, locks, polls, bans
     and audit log; the engagement dashboard; and refusals. Every var: is
     HTML-escaped (Config.VarEscapeMode = html); the chart's coordinates
     are computed in C (report.c). ?>
<?cs def:token() ?><input type="hidden" name="token" value="<?cs var:Admin.token ?>" /><?cs /def ?>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="robots" content="noindex" />
<title><?cs if:Admin.view == "dashboard" ?>Engagement<?cs elif:Admin.view == "error" ?>Moderation console: refused<?cs else ?>Moderation console<?cs /if ?></title>
<link rel="stylesheet" href="<?cs var:Social.endpoint ?>/assets/<?cs var:Social.version ?>/admin.css" />
</head>
<body class="social-admin">
<?cs if:Admin.view == "error" ?>
<main class="admin-error" role="main">
<h1>Moderation console</h1>
<p class="admin-message" role="alert"><?cs var:Admin.message ?></p>
<p class="admin-status">(HTTP <?cs var:Admin.status ?>)</p>
<?cs if:Admin.user ?><p><a href="<?cs var:Social.endpoint ?>/admin">Back to the console</a></p><?cs /if ?>
</main>
<?cs else ?>
<header class="admin-header">
<h1><?cs if:Admin.view == "dashboard" ?>Engagement<?cs else ?>Moderation console<?cs /if ?></h1>
<nav aria-label="Console"><a href="<?cs var:Social.endpoint ?>/admin"<?cs if:Admin.view == "queue" ?> aria-current="page"<?cs /if ?>>Queue</a> <a href="<?cs var:Social.endpoint ?>/admin/dashboard"<?cs if:Admin.view == "dashboard" ?> aria-current="page"<?cs /if ?>>Engagement and exports</a>
<span class="admin-who">Signed in as <bdi><?cs var:Admin.name ?></bdi> (<?cs var:Admin.user ?>)</span></nav>
</header>
<main role="main">
<?cs if:Admin.done ?><p class="admin-done" role="status"><?cs var:Admin.done ?></p><?cs /if ?>
<?cs if:Admin.view == "queue" ?>
<section id="queue" aria-labelledby="queue-heading">
<h2 id="queue-heading">Recent comments</h2>
<form class="admin-filter" method="get" action="<?cs var:Social.endpoint ?>/admin">
<label>Page <input type="text" name="page" value="<?cs var:Filter.page ?>" placeholder="/news/a.html" /></label>
<label>Person <input type="text" name="person" value="<?cs var:Filter.person ?>" placeholder="user name" /></label>
<label>Status <select name="status"><option value="">any</option><option value="pending"<?cs if:Filter.status == "pending" ?> selected="selected"<?cs /if ?>>pending</option><option value="visible"<?cs if:Filter.status == "visible" ?> selected="selected"<?cs /if ?>>visible</option><option value="hidden"<?cs if:Filter.status == "hidden" ?> selected="selected"<?cs /if ?>>hidden</option><option value="deleted"<?cs if:Filter.status == "deleted" ?> selected="selected"<?cs /if ?>>deleted</option></select></label>
<label><input type="checkbox" name="reported" value="1"<?cs if:Filter.reported ?> checked="checked"<?cs /if ?> /> Only comments readers reported</label>
<button type="submit">Filter</button></form>
<?cs if:subcount(Queue) == 0 ?><p class="admin-empty">No comments match.</p><?cs else ?>
<form id="bulk" class="admin-bulk" method="post" action="<?cs var:Social.endpoint ?>/admin/comments"><?cs call:token() ?>
<table class="admin-queue">
<thead><tr><th scope="col">Select</th><th scope="col">Comment</th><th scope="col">Page</th><th scope="col">Author</th><th scope="col">Status</th><th scope="col">Written</th></tr></thead>
<tbody>
<?cs each:q = Queue ?><tr id="queue-<?cs var:q.id ?>" class="admin-status-<?cs var:q.status ?>">
<td><input type="checkbox" name="id" value="<?cs var:q.id ?>" id="select-<?cs var:q.id ?>" aria-label="Select comment <?cs var:q.id ?>" /></td>
<td><span class="admin-id">#<?cs var:q.id ?></span><?cs if:q.parent ?> <span class="admin-reply">reply to #<?cs var:q.parent ?></span><?cs /if ?>
<?cs if:q.removed ?><details class="admin-removed"><summary>Deleted by a moderator: show the text</summary><div class="admin-body" dir="auto"><?cs var:q.removed ?></div></details><?cs elif:q.status == "deleted" ?><div class="admin-body admin-gone">Deleted by its author: the text is gone.</div><?cs else ?><div class="admin-body" dir="auto"><?cs var:q.body ?></div><?cs /if ?><?cs if:q.likes > 0 ?><span class="admin-likes"><?cs var:q.likes ?> likes</span><?cs /if ?><?cs if:q.reports ?><details class="admin-reports"><summary><?cs var:q.reports ?> <?cs if:q.reports == 1 ?>report<?cs else ?>reports<?cs /if ?> from readers</summary><pre class="admin-report-reasons"><?cs var:q.report_reasons ?></pre></details><?cs /if ?></td>
<td><a href="<?cs var:q.page ?>#comment-<?cs var:q.id ?>"<?cs if:q.page_title ?> title="<?cs var:q.page ?>"><bdi><?cs var:q.page_title ?></bdi></a> <span class="admin-path"><?cs var:q.page ?></span><?cs else ?>><?cs var:q.page ?></a><?cs /if ?></td>
<td><bdi class="admin-author" title="<?cs var:q.author ?>"><?cs var:q.name ?></bdi><br /><span class="admin-user"><?cs var:q.author ?></span></td>
<td><span class="admin-status"><?cs var:q.status ?></span></td>
<td><?cs var:q.created ?></td>
</tr>
<?cs /each ?></tbody></table>
<fieldset class="admin-actions"><legend>With the selected comments</legend>
<label>Action <select name="action" id="bulk-action"><option value="hide">Hide</option><option value="unhide">Unhide</option><option value="approve">Approve</option><option value="reject">Reject</option><option value="delete">Delete</option></select></label>
<label>Reason <input type="text" name="reason" maxlength="1000" /></label>
<button type="submit" id="bulk-submit">Apply</button></fieldset>
</form>
<?cs /if ?>
<?cs if:Admin.queue_next ?><p class="admin-more"><a rel="next" href="<?cs var:Social.endpoint ?>/admin?before=<?cs var:Admin.queue_next ?>&amp;page=<?cs var:Filter.page_q ?>&amp;person=<?cs var:Filter.person_q ?>&amp;status=<?cs var:Filter.status_q ?>&amp;reported=<?cs var:Filter.reported ?>">Older comments</a></p><?cs /if ?>
</section>

<section id="locks" aria-labelledby="locks-heading">
<h2 id="locks-heading">Locked discussions</h2>
<?cs if:subcount(Locked) == 0 ?><p class="admin-empty">No discussion is locked.</p><?cs else ?><ul class="admin-locked"><?cs each:l = Locked ?><li><a href="<?cs var:l.page ?>"<?cs if:l.page_title ?> title="<?cs var:l.page ?>"><bdi><?cs var:l.page_title ?></bdi></a> <span class="admin-path"><?cs var:l.page ?></span><?cs else ?>><?cs var:l.page ?></a><?cs /if ?>
<span class="admin-lock-why"><?cs if:l.by ?>locked by <?cs var:l.by ?><?cs if:l.when ?> on <?cs var:l.when ?><?cs /if ?><?cs /if ?><?cs if:l.reason ?>: <q dir="auto"><?cs var:l.reason ?></q><?cs else ?> (no reason given)<?cs /if ?></span>
<form class="admin-inline" method="post" action="<?cs var:Social.endpoint ?>/admin/lock"><?cs call:token() ?><input type="hidden" name="page" value="<?cs var:l.page ?>" /><input type="hidden" name="action" value="unlock" /><input type="text" name="reason" maxlength="1000" placeholder="reason" aria-label="Reason" /><button type="submit">Unlock</button></form></li>
<?cs /each ?></ul><?cs /if ?>
<form class="admin-form" method="post" action="<?cs var:Social.endpoint ?>/admin/lock"><?cs call:token() ?>
<label>Page <input type="text" name="page" required="required" placeholder="/news/a.html" /></label>
<label>Reason <input type="text" name="reason" maxlength="1000" /></label>
<label>Action <select name="action"><option value="lock">Lock</option><option value="unlock">Unlock</option></select></label>
<button type="submit">Apply</button></form>
</section>

<section id="polls" aria-labelledby="polls-heading">
<h2 id="polls-heading">Polls</h2>
<?cs if:subcount(Polls) == 0 ?><p class="admin-empty">No polls yet.</p><?cs else ?>
<table class="admin-polls"><thead><tr><th scope="col">Poll</th><th scope="col">Page</th><th scope="col">Ballots</th><th scope="col">State</th><th scope="col">Change</th></tr></thead><tbody>
<?cs each:p = Polls ?><tr id="poll-row-<?cs var:p.id ?>"><td><bdi><?cs var:p.question ?></bdi> <span class="admin-user">(<?cs var:p.name ?>)</span></td><td><a href="<?cs var:p.page ?>"<?cs if:p.page_title ?> title="<?cs var:p.page ?>"><bdi><?cs var:p.page_title ?></bdi></a> <span class="admin-path"><?cs var:p.page ?></span><?cs else ?>><?cs var:p.page ?></a><?cs /if ?></td><td><?cs var:p.ballots ?></td><td><?cs if:p.closed == "1" ?>closed<?cs else ?>open<?cs /if ?></td>
<td><form class="admin-inline" method="post" action="<?cs var:Social.endpoint ?>/admin/polls"><?cs call:token() ?><input type="hidden" name="poll" value="<?cs var:p.id ?>" /><input type="hidden" name="action" value="<?cs if:p.closed == "1" ?>reopen<?cs else ?>close<?cs /if ?>" /><input type="text" name="reason" maxlength="1000" placeholder="reason" aria-label="Reason" /><button type="submit"><?cs if:p.closed == "1" ?>Reopen<?cs else ?>Close<?cs /if ?></button></form></td></tr>
<?cs /each ?></tbody></table><?cs /if ?>
</section>

<section id="bans" aria-labelledby="bans-heading">
<h2 id="bans-heading">Read-only bans</h2>
<?cs if:subcount(Bans) == 0 ?><p class="admin-empty">Nobody is banned.</p><?cs else ?>
<table class="admin-bans"><thead><tr><th scope="col">Person</th><th scope="col">Reason</th><th scope="col">Ends</th><th scope="col">By</th><th scope="col">Lift</th></tr></thead><tbody>
<?cs each:b = Bans ?><tr><td><?cs var:b.user ?></td><td dir="auto"><?cs var:b.reason ?></td><td><?cs if:b.expires ?><?cs var:b.expires ?><?cs else ?>when lifted<?cs /if ?></td><td><?cs var:b.by ?></td>
<td><form class="admin-inline" method="post" action="<?cs var:Social.endpoint ?>/admin/bans"><?cs call:token() ?><input type="hidden" name="user" value="<?cs var:b.user ?>" /><input type="hidden" name="action" value="unban" /><input type="text" name="reason" maxlength="1000" placeholder="reason" aria-label="Reason" /><button type="submit">Lift</button></form></td></tr>
<?cs /each ?></tbody></table><?cs /if ?>
<form class="admin-form" method="post" action="<?cs var:Social.endpoint ?>/admin/bans"><?cs call:token() ?><input type="hidden" name="action" value="ban" />
<label>Person <input type="text" name="user" required="required" placeholder="user name" /></label>
<label>Reason <input type="text" name="reason" required="required" maxlength="1000" /></label>
<label>Ends (UTC, optional) <input type="text" name="expires" placeholder="2026-12-31 or 2026-12-31T18:00" /></label>
<button type="submit">Ban from writing</button></form>
</section>

<section id="audit" aria-labelledby="audit-heading">
<h2 id="audit-heading">Audit log</h2>
<?cs if:subcount(Audit) == 0 ?><p class="admin-empty">No moderation yet.</p><?cs else ?>
<table class="admin-audit"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Why</th></tr></thead><tbody>
<?cs each:a = Audit ?><tr class="admin-audit-<?cs var:a.action ?>"><td><?cs var:a.created ?></td><td><?cs var:a.actor ?></td><td><?cs var:a.action ?></td><td><?cs var:a.target_kind ?><?cs if:a.target_id ?> #<?cs var:a.target_id ?><?cs /if ?> <?cs var:a.target ?></td><td dir="auto"><?cs var:a.reason ?></td></tr>
<?cs /each ?></tbody></table><?cs /if ?>
<?cs if:Admin.audit_next ?><p class="admin-more"><a href="<?cs var:Social.endpoint ?>/admin?audit_before=<?cs var:Admin.audit_next ?>#audit">Older entries</a></p><?cs /if ?>
</section>
<?cs elif:Admin.view == "dashboard" ?>
<form class="admin-filter" method="get" action="<?cs var:Social.endpoint ?>/admin/dashboard">
<label>From <input type="date" name="from" value="<?cs var:Period.from ?>" /></label>
<label>To <input type="date" name="to" value="<?cs var:Period.to ?>" /></label>
<button type="submit">Show</button></form>
<section id="activity" aria-labelledby="activity-heading">
<h2 id="activity-heading">Per day, <?cs var:Period.from ?> to <?cs var:Period.to ?> (UTC)</h2>
<figure class="admin-chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 <?cs var:Chart.width ?> <?cs var:Chart.height ?>" width="<?cs var:Chart.width ?>" height="<?cs var:Chart.height ?>" role="img" aria-labelledby="chart-title">
<title id="chart-title">Comments, likes, shares, poll ballots, ideas, idea votes and survey responses per day</title>
<?cs each:t = Chart.yticks ?><line class="grid" x1="<?cs var:Chart.left ?>" x2="<?cs var:Chart.right ?>" y1="<?cs var:t.y ?>" y2="<?cs var:t.y ?>" stroke="#d1d5db" />
<text x="<?cs var:Chart.left - 6 ?>" y="<?cs var:t.y ?>" text-anchor="end" dominant-baseline="middle" font-size="11"><?cs var:t.label ?></text>
<?cs /each ?><line x1="<?cs var:Chart.left ?>" x2="<?cs var:Chart.left ?>" y1="<?cs var:Chart.top ?>" y2="<?cs var:Chart.bottom ?>" stroke="#6b7280" />
<?cs each:t = Chart.xticks ?><text x="<?cs var:t.x ?>" y="<?cs var:Chart.label_y ?>" text-anchor="middle" font-size="11"><?cs var:t.label ?></text>
<?cs /each ?><?cs each:s = Chart.series ?><polyline class="series series-<?cs var:s.key ?>" fill="none" stroke="<?cs var:s.color ?>" stroke-width="2" points="<?cs var:s.points ?>" />
<?cs /each ?></svg>
<figcaption><?cs each:s = Chart.series ?><span class="legend"><span class="swatch legend-<?cs var:s.key ?>"></span><?cs var:s.name ?>: <?cs var:s.total ?></span> <?cs /each ?></figcaption>
</figure>
<?cs # Only the days something happened on; the quiet ones are counted. ?><?cs set:Admin.quiet_days = 0 ?><?cs set:Admin.busy_days = 0 ?><?cs each:d = Days ?><?cs if:#d.total > 0 ?><?cs set:Admin.busy_days = Admin.busy_days + 1 ?><?cs else ?><?cs set:Admin.quiet_days = Admin.quiet_days + 1 ?><?cs /if ?><?cs /each ?>
<?cs if:Admin.busy_days == 0 ?><p class="admin-empty admin-quiet" data-quiet-days="<?cs var:Admin.quiet_days ?>">Nothing happened in this period.</p><?cs else ?>
<table class="admin-days"><caption>The days something happened</caption>
<thead><tr><th scope="col">Day</th><?cs each:s = Chart.series ?><th scope="col"><?cs var:s.name ?></th><?cs /each ?></tr></thead><tbody>
<?cs each:d = Days ?><?cs if:#d.total > 0 ?><tr><th scope="row"><?cs var:d.date ?></th><?cs each:v = d.values ?><td><?cs var:v.n ?></td><?cs /each ?></tr>
<?cs /if ?><?cs /each ?></tbody></table>
<?cs if:Admin.quiet_days > 0 ?><p class="admin-quiet" data-quiet-days="<?cs var:Admin.quiet_days ?>"><?cs var:Admin.quiet_days ?> <?cs if:Admin.quiet_days == 1 ?>day<?cs else ?>days<?cs /if ?> without any activity left out.</p><?cs /if ?><?cs /if ?>
</section>
<?cs def:ranking(id, title, rows, what) ?><section id="<?cs var:id ?>" aria-labelledby="<?cs var:id ?>-heading">
<h2 id="<?cs var:id ?>-heading"><?cs var:title ?></h2>
<?cs if:subcount(rows) == 0 ?><p class="admin-empty">Nothing in this period.</p><?cs else ?>
<table class="admin-rank"><thead><tr><th scope="col"><?cs var:what ?></th><th scope="col">Comments</th><th scope="col">All actions</th></tr></thead><tbody>
<?cs each:k = rows ?><tr><td><?cs if:k.label != k.name ?><bdi><?cs var:k.label ?></bdi> <span class="admin-user">(<?cs var:k.name ?>)</span><?cs else ?><?cs var:k.name ?><?cs /if ?></td><td><?cs var:k.comments ?></td><td><?cs var:k.actions ?></td></tr>
<?cs /each ?></tbody></table><?cs /if ?>
</section><?cs /def ?>
<?cs call:ranking("top-pages", "Most discussed pages", Top.pages, "Page") ?>
<?cs call:ranking("top-people", "Most active people", Top.people, "Person") ?>
<?cs call:ranking("top-sections", "Most active sections", Top.sections, "Section") ?>
<section id="exports" aria-labelledby="exports-heading">
<h2 id="exports-heading">Exports for this period</h2>
<ul class="admin-exports">
<li>Comments: <a href="<?cs var:Social.endpoint ?>/admin/export?what=comments&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=comments&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>Likes: <a href="<?cs var:Social.endpoint ?>/admin/export?what=likes&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=likes&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>Shares: <a href="<?cs var:Social.endpoint ?>/admin/export?what=shares&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=shares&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>Polls with totals: <a href="<?cs var:Social.endpoint ?>/admin/export?what=polls&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=polls&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>Ideas with votes and statuses: <a href="<?cs var:Social.endpoint ?>/admin/export?what=ideas&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=ideas&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
<li>Audit log: <a href="<?cs var:Social.endpoint ?>/admin/export?what=audit&amp;format=csv&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">CSV</a> <a href="<?cs var:Social.endpoint ?>/admin/export?what=audit&amp;format=json&amp;from=<?cs var:Period.from ?>&amp;to=<?cs var:Period.to ?>">JSON</a></li>
</ul>
</section>
<?cs /if ?>
</main>
<?cs /if ?>
</body>
</html>
