<?cs # One poll, as placed after its marker in the page and sent back by
     {endpoint}/poll and after a vote. Results are text (numbers and
     percentages) with a CSS bar beside them. Well-formed XML too. ?>
<section class="social social-poll" aria-labelledby="poll-<?cs var:Poll.name ?>-q" data-social-poll-id="<?cs var:Poll.id ?>">
<h2 class="social-poll-question" id="poll-<?cs var:Poll.name ?>-q"><bdi><?cs var:Poll.question ?></bdi></h2>
<p class="social-live" role="status" aria-live="polite"><?cs var:Social.status ?></p>
<?cs if:Poll.locked ?><p class="social-locked-note" role="note"><strong>{{t:block.locked_title}}</strong> {{t:block.poll_locked_text}}</p>
<?cs /if ?><?cs if:Poll.can_vote ?><form accept-charset="utf-8" class="social-form social-poll-form" method="post" action="<?cs var:Social.endpoint ?>/polls/<?cs var:Poll.id ?>">
<input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="vote" />
<fieldset><legend class="social-hint"><?cs if:Poll.multiple ?>{{t:block.poll_choose_many}}<?cs else ?>{{t:block.poll_choose_one}}<?cs /if ?></legend><?cs /if ?>
<ul class="social-poll-options">
<?cs each:o = Poll.options ?><li class="social-poll-option<?cs if:o.mine ?> social-poll-mine<?cs /if ?>">
<?cs if:Poll.can_vote ?><label><input type="<?cs if:Poll.multiple ?>checkbox<?cs else ?>radio<?cs /if ?>" name="choice" value="<?cs var:o.index ?>"<?cs if:o.mine ?> checked="checked"<?cs /if ?> /> <?cs var:o.label ?></label><?cs else ?><span class="social-poll-label"><?cs var:o.label ?><?cs if:o.mine ?> <span class="social-badge">{{t:block.poll_your_choice}}</span><?cs /if ?></span><?cs /if ?>
<?cs if:Poll.show_results ?><span class="social-poll-result"><span class="social-poll-bar" aria-hidden="true"><span style="width: <?cs var:o.percent ?>%"></span></span> <span class="social-poll-figure">{{n:block.poll_votes o.votes}} (<?cs var:o.percent ?>%)</span></span><?cs /if ?>
</li>
<?cs /each ?></ul>
<?cs if:Poll.can_vote ?></fieldset>
<button type="submit"><?cs if:Poll.voted ?>{{t:block.poll_change_vote}}<?cs else ?>{{t:block.poll_vote}}<?cs /if ?></button>
</form><?cs /if ?>
<p class="social-poll-meta"><?cs if:Poll.show_results ?>{{n:block.poll_voters Poll.ballots}} <?cs elif:Poll.voted ?>{{t:block.poll_vote_counted}} <?cs /if ?><?cs if:!Poll.show_results ?><?cs if:Poll.results == "after-vote" ?>{{t:block.poll_results_after_vote}} <?cs else ?>{{t:block.poll_results_when_closed}} <?cs /if ?><?cs /if ?><?cs if:!Poll.open ?><strong>{{t:block.poll_closed}}</strong><?cs elif:Poll.closes ?>{{t:block.poll_open_until time=Poll.closes}}<?cs /if ?><?cs if:Poll.anonymous && Poll.open ?> {{t:block.poll_login}}<?cs /if ?></p>
<?cs if:Poll.can_moderate ?><form accept-charset="utf-8" class="social-form social-inline" method="post" action="<?cs var:Social.endpoint ?>/polls/<?cs var:Poll.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><?cs if:Poll.closed_by_moderator ?><input type="hidden" name="action" value="reopen" /><button type="submit" class="social-link">{{t:block.poll_reopen}}</button><?cs else ?><input type="hidden" name="action" value="close" /><button type="submit" class="social-link">{{t:block.poll_close}}</button><?cs /if ?></form><?cs /if ?>
</section>
