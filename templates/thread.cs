<?cs # The discussion of a page: rendered into the page (SocialRender Inline),
     fetched by the widget (Deferred) and after every action. Every var: is
     HTML-escaped (Config.VarEscapeMode = html); uvar: is used only for
     c.html, which text.c has already made safe. Well-formed XML too.
     Social.unread_word is a stand-in the cache replaces with the same
     "(N unread)" span (thread.c, unread_html). With Social.variant (a
     stand-in word V), what differs for a reader with a part of their own
     is written both ways, as a group "V ID.KIND. variant0 V variant1 V":
     the cache keeps one discussion and each view keeps one variant of
     each group (discussion.c, personalise). An author who may still edit
     a comment gets the discussion rendered for them (the edit form holds
     the text). A comment's like, follow, delete and hide buttons belong
     to the one shared form #social-acts (the token once); Reply is a
     link to a page of its own ({base}/reply), which the widget opens in
     place from #social-reply-template. ?>
<?cs def:form_fields(action) ?><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><?cs if:action ?><input type="hidden" name="action" value="<?cs var:action ?>" /><?cs /if ?><?cs /def ?>
<?cs def:group_open(id, kind) ?><?cs var:Social.variant ?><?cs var:id ?>.<?cs var:kind ?>.<?cs /def ?>
<?cs def:page_like(liked) ?><form accept-charset="utf-8" class="social-form social-inline social-like" method="post" action="<?cs var:Social.endpoint ?>/like"><?cs if:liked ?><?cs call:form_fields("unlike") ?><?cs else ?><?cs call:form_fields("like") ?><?cs /if ?><input type="hidden" name="page" value="<?cs var:Social.page ?>" /><button type="submit" class="social-like-button"<?cs if:(Social.locked && !Social.moderator) || Social.banned ?> disabled="disabled"<?cs /if ?> aria-pressed="<?cs if:liked ?>true<?cs else ?>false<?cs /if ?>"><?cs if:liked ?>{{t:block.liked}}<?cs else ?>{{t:block.like}}<?cs /if ?></button></form>
<span class="social-like-count">{{n:block.like_count Social.likes}}<?cs if:liked ?> {{t:block.including_you}}<?cs /if ?></span><?cs /def ?>
<?cs def:act(c, action) ?> form="social-acts" formaction="<?cs var:Social.endpoint ?>/comments/<?cs var:c.id ?>" name="action" value="<?cs var:action ?>"<?cs /def ?>
<?cs def:comment_like(c, liked) ?><button type="submit" class="social-link social-like-button"<?cs if:liked ?><?cs call:act(c, "unlike") ?><?cs else ?><?cs call:act(c, "like") ?><?cs /if ?><?cs if:(Social.locked && !Social.moderator) || Social.banned ?> disabled="disabled"<?cs /if ?> aria-pressed="<?cs if:liked ?>true<?cs else ?>false<?cs /if ?>"><?cs if:liked ?>{{t:block.liked}}<?cs else ?>{{t:block.like}}<?cs /if ?></button><?cs /def ?>
<?cs def:comment_edit(c) ?>
<details class="social-edit"><summary>{{t:block.edit}}</summary>
<form accept-charset="utf-8" class="social-form" method="post" action="<?cs var:Social.endpoint ?>/comments/<?cs var:c.id ?>"><?cs call:form_fields("edit") ?>
<label for="social-edit-<?cs var:c.id ?>">{{t:block.edit_label}}</label>
<textarea id="social-edit-<?cs var:c.id ?>" dir="auto" name="body" rows="3" data-social-max="<?cs var:Social.max_length ?>" required="required"><?cs var:c.body ?></textarea>
<button type="submit">{{t:block.save}}</button></form></details><?cs /def ?>
<?cs def:comment_delete(c) ?>
<button type="submit" class="social-link social-delete"<?cs call:act(c, "delete") ?> data-social-confirm="{{t:block.delete_confirm}}">{{t:block.delete}}</button><?cs /def ?>
<?cs def:comment_report(c) ?>
<a class="social-link social-report-link" href="<?cs var:Social.endpoint ?>/report?comment=<?cs var:c.id ?>" data-social-comment="<?cs var:c.id ?>">{{t:block.report}}</a><?cs /def ?>
<section class="social-thread" aria-labelledby="social-heading">
<h2 id="social-heading" class="social-title">{{t:block.heading}}<?cs if:Social.count > 0 ?> <span class="social-count">(<?cs var:Social.count ?>)</span><?cs /if ?></h2>
<p class="social-live" role="status" aria-live="polite"><?cs var:Social.status ?></p>
<?cs if:Social.locked && !Social.unavailable && Social.can_read ?><p class="social-locked-note" role="note"><strong>{{t:block.locked_title}}</strong> <?cs if:Social.moderator ?>{{t:block.locked_text_moderator}}<?cs else ?>{{t:block.locked_text}}<?cs /if ?></p>
<?cs /if ?><?cs if:Social.banned ?><p class="social-banned-note" role="note"><?cs if:Social.banned_until ?><strong>{{t:block.banned_title_until until=Social.banned_until}}</strong> {{t:block.banned_text_until}}<?cs else ?><strong>{{t:block.banned_title}}</strong> {{t:block.banned_text}}<?cs /if ?></p><?cs /if ?>
<?cs if:!Social.unavailable && Social.can_read ?><div class="social-page-actions">
<?cs if:Social.user && Social.variant ?><?cs call:group_open(0, "p") ?><?cs call:page_like(0) ?><?cs var:Social.variant ?><?cs call:page_like(1) ?><?cs var:Social.variant ?>
<?cs elif:Social.user ?><?cs call:page_like(Social.liked) ?>
<?cs else ?><span class="social-like-count">{{n:block.like_count Social.likes}}</span>
<?cs /if ?><?cs if:Social.token ?><form accept-charset="utf-8" class="social-form social-inline social-follow" method="post" action="<?cs var:Social.endpoint ?>/follow"><?cs if:Social.following ?><?cs call:form_fields("unfollow") ?><?cs else ?><?cs call:form_fields("follow") ?><?cs /if ?><input type="hidden" name="page" value="<?cs var:Social.page ?>" /><button type="submit" class="social-follow-button" aria-pressed="<?cs if:Social.following ?>true<?cs else ?>false<?cs /if ?>" title="{{t:block.follow_title}}"><?cs if:Social.following ?>{{t:block.following}}<?cs else ?>{{t:block.follow}}<?cs /if ?></button></form><?cs /if ?>
<?cs if:Social.user ?><a class="social-for-you" href="<?cs var:Social.endpoint ?>/notifications">{{t:block.for_you}}<?cs if:Social.unread_word ?><?cs var:Social.unread_word ?><?cs elif:Social.unread > 0 ?> <span class="social-unread" data-social-unread="<?cs var:Social.unread ?>">{{n:block.unread Social.unread}}</span><?cs /if ?></a> <a class="social-activity-link" href="<?cs var:Social.endpoint ?>/activity">{{t:block.activity}}</a><?cs /if ?>
<span class="social-share-count">{{n:block.share_count Social.shares}}</span>
<details class="social-share"><summary>{{t:block.share}}</summary>
<p class="social-share-links"><a href="<?cs var:Social.mailto ?>">{{t:block.send_by_email}}</a> <button type="button" class="social-link social-copy" data-social-copy="<?cs var:Social.url ?>" hidden="hidden">{{t:block.copy_link}}</button> <input type="text" readonly="readonly" class="social-url" aria-label="{{t:block.link_label}}" value="<?cs var:Social.url ?>" /></p>
<?cs if:Social.user && !Social.banned ?><form accept-charset="utf-8" class="social-form social-share-form" method="post" action="<?cs var:Social.endpoint ?>/shares"><?cs call:form_fields("") ?><input type="hidden" name="page" value="<?cs var:Social.page ?>" />
<label for="social-share-to">{{t:block.share_to}}</label>
<input type="text" id="social-share-to" name="to" autocomplete="off" />
<label for="social-share-note">{{t:block.share_note}}</label>
<textarea id="social-share-note" name="note" rows="2" maxlength="1000"></textarea>
<label class="social-check"><input type="checkbox" name="public" value="1" /> {{t:block.share_public}}</label>
<button type="submit">{{t:block.share}}</button></form><?cs /if ?>
</details>
</div><?cs /if ?>
<?cs if:Social.unavailable ?>
<p class="social-unavailable">{{t:block.unavailable}}</p>
<?cs elif:!Social.can_read ?>
<p class="social-login">{{t:block.login_to_read}}</p>
<?cs else ?>
<?cs if:subcount(Comments) == 0 ?><p class="social-empty">{{t:block.empty}}<?cs if:Social.can_comment && (!Social.locked || Social.moderator) ?> {{t:block.be_first}}<?cs /if ?></p><?cs /if ?>
<?cs if:Social.token && (Social.count > 1 || Social.order != "oldest") ?><form accept-charset="utf-8" class="social-form social-inline social-sort" method="post" action="<?cs var:Social.endpoint ?>/sort"><?cs call:form_fields("") ?><input type="hidden" name="page" value="<?cs var:Social.page ?>" />
<label for="social-sort">{{t:block.sort_label}}</label> <select id="social-sort" name="sort"><option value="oldest"<?cs if:Social.order == "oldest" ?> selected="selected"<?cs /if ?>>{{t:block.sort_oldest}}</option><option value="newest"<?cs if:Social.order == "newest" ?> selected="selected"<?cs /if ?>>{{t:block.sort_newest}}</option><option value="liked"<?cs if:Social.order == "liked" ?> selected="selected"<?cs /if ?>>{{t:block.sort_liked}}</option></select> <button type="submit" class="social-link">{{t:block.sort}}</button></form>
<?cs /if ?><?cs def:earlier_link() ?><?cs if:Social.earlier > 0 ?><p class="social-earlier"><a class="social-earlier-link" href="<?cs var:Social.endpoint ?>/fragment?page=<?cs var:Social.page_q ?>&amp;all=1<?cs if:Social.earlier_before ?>&amp;before=<?cs var:Social.earlier_before ?>&amp;sort=<?cs var:Social.order ?><?cs /if ?>"><?cs if:Social.order == "liked" ?>{{n:block.show_more Social.earlier}}<?cs elif:Social.order == "newest" ?>{{n:block.show_older Social.earlier}}<?cs else ?>{{n:block.show_earlier Social.earlier}}<?cs /if ?></a></p><?cs /if ?><?cs /def ?><?cs if:Social.order == "oldest" ?><?cs call:earlier_link() ?><?cs /if ?>
<?cs if:Social.token ?><form id="social-acts" accept-charset="utf-8" class="social-form social-acts" method="post" action="<?cs var:Social.endpoint ?>/comments"><?cs call:form_fields("") ?><input type="hidden" name="page" value="<?cs var:Social.page ?>" /></form>
<?cs if:!Social.locked ?><template id="social-reply-template"><form accept-charset="utf-8" class="social-form social-reply-form" method="post" action="<?cs var:Social.endpoint ?>/comments"><?cs call:form_fields("") ?><input type="hidden" name="page" value="<?cs var:Social.page ?>" /><input type="hidden" name="parent" value="" />
<label for="social-reply-0">{{t:block.reply_to name=bdi:Social.reply_name}}</label>
<textarea id="social-reply-0" dir="auto" name="body" rows="3" data-social-max="<?cs var:Social.max_length ?>" required="required"></textarea>
<button type="submit">{{t:block.post_reply}}</button></form></template>
<?cs /if ?><?cs /if ?><ol class="social-comments">
<?cs each:c = Comments ?><li id="comment-<?cs var:c.id ?>" class="social-comment social-depth-<?cs var:c.depth ?><?cs if:c.tombstone ?> social-tombstone<?cs /if ?><?cs if:c.status == "hidden" ?> social-hidden<?cs /if ?><?cs if:Social.variant && !c.tombstone ?><?cs call:group_open(c.id, "m") ?><?cs var:Social.variant ?> social-mine<?cs var:Social.variant ?><?cs elif:c.mine ?> social-mine<?cs /if ?><?cs if:c.anchor.exact ?> social-passage-comment<?cs /if ?>" data-social-id="<?cs var:c.id ?>"<?cs if:c.anchor.exact ?> data-social-exact="<?cs var:c.anchor.exact ?>" data-social-prefix="<?cs var:c.anchor.prefix ?>" data-social-suffix="<?cs var:c.anchor.suffix ?>" data-social-position="<?cs var:c.anchor.position ?>"<?cs /if ?>>
<?cs if:c.tombstone ?><p class="social-removed"><?cs if:c.status == "deleted" ?>{{t:block.deleted}}<?cs else ?>{{t:block.hidden_by_moderator}}<?cs /if ?></p>
<?cs else ?><article class="social-card">
<header class="social-meta"><bdi class="social-author" title="<?cs var:c.user ?>"><?cs var:c.name ?></bdi>
<a class="social-time" href="#comment-<?cs var:c.id ?>"><time datetime="<?cs var:c.created_iso ?>" title="<?cs var:c.created_abs ?>"><?cs var:c.created_rel ?></time></a><?cs if:c.edited_abs ?>
<span class="social-edited" title="{{t:block.edited_at time=c.edited_abs}}">{{t:block.edited}}</span><?cs /if ?><?cs if:c.status == "hidden" ?>
<span class="social-badge">{{t:block.hidden_badge}}</span><?cs /if ?><?cs if:c.status == "pending" ?>
<span class="social-badge social-pending">{{t:block.pending_badge}}</span><?cs /if ?><?cs if:c.in_reply_to ?>
<span class="social-reply-to">{{t:block.in_reply_to name=bdi:c.in_reply_to}}</span><?cs /if ?><?cs if:c.position.href ?>
<a class="social-position" href="<?cs var:c.position.href ?>">{{t:block.at_position position=c.position.label}}</a><?cs /if ?></header>
<?cs if:c.anchor.exact ?><blockquote class="social-quote"><span class="social-quote-label">{{t:block.on_passage}}</span> <q dir="auto"><?cs var:c.anchor.exact ?></q></blockquote>
<?cs /if ?><div class="social-body" dir="auto"><?cs uvar:c.html ?></div>
<div class="social-actions"><?cs if:Social.user && c.status == "visible" ?>
<?cs if:Social.variant ?><?cs call:group_open(c.id, "l") ?><?cs call:comment_like(c, 0) ?><?cs var:Social.variant ?><?cs call:comment_like(c, 1) ?><?cs var:Social.variant ?><?cs else ?><?cs call:comment_like(c, c.liked) ?><?cs /if ?><?cs /if ?><?cs if:c.likes > 0 ?> <span class="social-like-count">{{n:block.like_count c.likes}}</span><?cs /if ?><?cs if:c.can_reply ?>
<a class="social-link social-reply-link" href="<?cs var:Social.endpoint ?>/reply?comment=<?cs var:c.id ?>" data-social-comment="<?cs var:c.id ?>">{{t:block.reply}}</a><?cs /if ?><?cs if:Social.variant && Social.user && c.status == "visible" ?><?cs call:group_open(c.id, "o") ?><?cs var:Social.variant ?><?cs call:comment_delete(c) ?><?cs var:Social.variant ?><?cs else ?><?cs if:c.can_edit ?><?cs call:comment_edit(c) ?><?cs /if ?><?cs if:c.can_delete ?><?cs call:comment_delete(c) ?><?cs /if ?><?cs /if ?><?cs if:c.top && Social.token && c.status == "visible" ?>
<button type="submit" class="social-link social-follow-thread" form="social-acts" formaction="<?cs var:Social.endpoint ?>/follow/<?cs var:c.id ?>" name="action" value="<?cs if:c.followed ?>unfollow<?cs else ?>follow<?cs /if ?>" aria-pressed="<?cs if:c.followed ?>true<?cs else ?>false<?cs /if ?>"><?cs if:c.followed ?>{{t:block.following_thread}}<?cs else ?>{{t:block.follow_thread}}<?cs /if ?></button><?cs /if ?><?cs if:Social.variant && Social.user && c.status == "visible" && !Social.banned ?><?cs call:group_open(c.id, "r") ?><?cs call:comment_report(c) ?><?cs var:Social.variant ?><?cs var:Social.variant ?><?cs elif:Social.user && c.status == "visible" && !c.mine && !Social.banned ?><?cs call:comment_report(c) ?><?cs /if ?><?cs if:c.can_moderate ?>
<?cs if:c.status == "hidden" ?><button type="submit" class="social-link"<?cs call:act(c, "unhide") ?>>{{t:block.unhide}}</button><?cs else ?><button type="submit" class="social-link"<?cs call:act(c, "hide") ?>>{{t:block.hide}}</button><?cs /if ?><?cs /if ?>
</div></article><?cs /if ?>
<?cs if:c.more > 0 ?><p class="social-more"><a class="social-more-link" href="<?cs var:Social.endpoint ?>/fragment?page=<?cs var:Social.page_q ?>&amp;thread=<?cs var:c.id ?>&amp;before=<?cs var:c.more_before ?>#comment-<?cs var:c.id ?>">{{n:block.show_earlier_replies c.more}}</a></p>
<?cs /if ?><?cs if:c.opens ?><ol class="social-replies">
<?cs else ?></li>
<?cs if:c.closes > 0 ?><?cs loop:k = 1, c.closes, 1 ?></ol></li>
<?cs /loop ?><?cs /if ?><?cs /if ?><?cs /each ?></ol>
<?cs if:Social.order != "oldest" ?><?cs call:earlier_link() ?><?cs /if ?><?cs if:Social.locked ?><p class="social-locked" role="note">{{t:block.locked_note}}</p>
<?cs elif:Social.can_comment ?>
<form accept-charset="utf-8" class="social-form social-new" method="post" action="<?cs var:Social.endpoint ?>/comments"><?cs call:form_fields("") ?><input type="hidden" name="page" value="<?cs var:Social.page ?>" />
<label for="social-new-body"><?cs if:Social.user ?>{{t:block.add_comment_as name=bdi:Social.name}}<?cs else ?>{{t:block.add_comment}}<?cs /if ?></label>
<textarea id="social-new-body" dir="auto" name="body" rows="4" data-social-max="<?cs var:Social.max_length ?>" required="required" placeholder="{{t:block.placeholder}}"></textarea>
<?cs if:Social.position == "page" ?><label for="social-new-position">{{t:block.about_page}}</label>
<input type="text" id="social-new-position" class="social-position-input" name="position" inputmode="numeric" pattern="[0-9]{1,6}" size="6" autocomplete="off" />
<?cs elif:Social.position == "time" ?><label for="social-new-position">{{t:block.at_time}}</label>
<input type="text" id="social-new-position" class="social-position-input" name="position" pattern="[0-9]{1,6}(:[0-9]{2}){0,2}" size="8" autocomplete="off" />
<?cs /if ?><button type="submit">{{t:block.post_comment}}</button></form>
<?cs else ?><p class="social-login">{{t:block.login_to_comment}}</p><?cs /if ?>
<?cs /if ?>
</section>
