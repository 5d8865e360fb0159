<?cs # One survey, as placed after its marker in the page and sent back by
     {endpoint}/survey and after a response: one plain form (no script
     needed), then the results as text with server-rendered SVG bars.
     Well-formed XML too. ?>
<section class="social social-survey" aria-labelledby="survey-<?cs var:Survey.name ?>-t" data-social-survey-id="<?cs var:Survey.id ?>">
<h2 class="social-survey-title" id="survey-<?cs var:Survey.name ?>-t"><?cs var:Survey.title ?></h2>
<p class="social-live" role="status" aria-live="polite"><?cs var:Social.status ?></p>
<p class="social-survey-meta"><?cs if:Survey.anonymous ?><?cs if:Survey.can_respond ?>{{t:survey.anonymous_final}}<?cs else ?>{{t:survey.anonymous}}<?cs /if ?> <?cs /if ?><?cs if:!Survey.open ?><strong>{{t:survey.closed}}</strong><?cs elif:Survey.closes ?>{{t:survey.open_until date=Survey.closes}}<?cs /if ?><?cs if:Survey.visitor && Survey.open ?> {{t:survey.log_in}}<?cs /if ?></p>
<?cs if:Survey.locked ?><p class="social-locked-note" role="note"><strong>{{t:survey.locked}}</strong> {{t:survey.locked_why}}</p>
<?cs /if ?><?cs if:Survey.responded ?><p class="social-survey-done"><?cs if:Survey.anonymous ?>{{t:survey.responded_anonymous}}<?cs elif:Survey.can_respond ?>{{t:survey.responded_changeable}}<?cs else ?>{{t:survey.responded}}<?cs /if ?></p>
<?cs /if ?><?cs if:Survey.can_respond ?><form accept-charset="utf-8" class="social-form social-survey-form" method="post" action="<?cs var:Social.endpoint ?>/surveys/<?cs var:Survey.id ?>">
<input type="hidden" name="token" value="<?cs var:Social.token ?>" /><input type="hidden" name="action" value="respond" />
<?cs each:q = Survey.questions ?><fieldset class="social-survey-question" id="survey-<?cs var:Survey.name ?>-<?cs var:q.name ?>">
<legend id="survey-<?cs var:Survey.name ?>-<?cs var:q.name ?>-label"><span class="social-survey-progress">{{t:survey.question_of number=q.number total=Survey.total}}</span> <?cs var:q.label ?><?cs if:q.required ?> <span class="social-required">{{t:survey.required}}</span><?cs /if ?></legend>
<?cs if:Survey.total > 3 ?><progress class="social-survey-bar" max="100" value="<?cs var:q.percent ?>"><?cs var:q.percent ?>%</progress>
<?cs /if ?><?cs if:q.type == "text" ?><textarea name="q-<?cs var:q.name ?>" aria-labelledby="survey-<?cs var:Survey.name ?>-<?cs var:q.name ?>-label" dir="auto" rows="3" cols="60" maxlength="4000"<?cs if:q.required ?> required="required"<?cs /if ?>><?cs var:q.text ?></textarea>
<?cs else ?><?cs each:c = q.choices ?><label class="social-survey-choice"><input type="<?cs if:q.type == "multiple" ?>checkbox<?cs else ?>radio<?cs /if ?>" name="q-<?cs var:q.name ?>" value="<?cs var:c.value ?>"<?cs if:c.checked ?> checked="checked"<?cs /if ?><?cs if:q.required && q.type != "multiple" ?> required="required"<?cs /if ?> /> <?cs var:c.value ?></label>
<?cs /each ?><?cs if:q.type == "scale" ?><span class="social-hint">{{t:survey.scale_hint min=q.min max=q.max}}</span><?cs /if ?>
<?cs /if ?></fieldset>
<?cs /each ?><button type="submit"><?cs if:Survey.responded ?>{{t:survey.change_answers}}<?cs else ?>{{t:survey.send_answers}}<?cs /if ?></button>
</form>
<?cs elif:!Survey.responded ?><ol class="social-survey-questions"><?cs each:q = Survey.questions ?><li><?cs var:q.label ?></li><?cs /each ?></ol>
<?cs /if ?><div class="social-survey-results">
<?cs if:Survey.show_results ?><h3>{{n:survey.results Survey.responses}}</h3>
<?cs each:o = Survey.results ?><div class="social-survey-result" data-question="<?cs var:o.name ?>"><h4><?cs var:o.label ?></h4>
<?cs if:o.type == "text" ?><ul class="social-survey-texts"><?cs each:t = o.texts ?><li><?cs var:t ?></li><?cs /each ?></ul>
<?cs else ?><table class="social-survey-chart"><?cs each:b = o.bars ?><tr><th scope="row"><?cs var:b.label ?></th><td><svg xmlns="http://www.w3.org/2000/svg" width="240" height="18" viewBox="0 0 240 18" role="img" aria-label="<?cs var:b.percent ?>%"><rect x="0" y="0" width="<?cs var:b.width ?>" height="18" fill="#3a6ea5" /></svg></td><td class="social-survey-figure"><?cs var:b.count ?> (<?cs var:b.percent ?>%)</td></tr>
<?cs /each ?></table><?cs if:o.mean ?><p class="social-survey-mean">{{t:survey.mean value=o.mean}}</p><?cs /if ?>
<?cs /if ?><p class="social-hint">{{n:survey.answered o.answered}}</p></div>
<?cs /each ?><?cs else ?><p class="social-hint"><?cs var:Survey.hidden ?></p>
<?cs /if ?><?cs if:Survey.can_moderate ?><p class="social-survey-export">{{t:survey.export}} <a href="<?cs var:Social.endpoint ?>/api/v1/surveys/<?cs var:Survey.id ?>/export.csv">CSV</a> <a href="<?cs var:Social.endpoint ?>/api/v1/surveys/<?cs var:Survey.id ?>/export.json">JSON</a></p>
<?cs /if ?></div>
<?cs if:Survey.can_moderate ?><form accept-charset="utf-8" class="social-form social-inline" method="post" action="<?cs var:Social.endpoint ?>/surveys/<?cs var:Survey.id ?>"><input type="hidden" name="token" value="<?cs var:Social.token ?>" /><?cs if:Survey.closed_by_moderator ?><input type="hidden" name="action" value="reopen" /><button type="submit" class="social-link">{{t:survey.reopen}}</button><?cs else ?><input type="hidden" name="action" value="close" /><button type="submit" class="social-link">{{t:survey.close}}</button><?cs /if ?></form>
<?cs /if ?></section>
