{{%AUTOESCAPE context="HTML"}}<article class="debrief-doc">
<h1>Debrief: {{TITLE}} ({{ID}})</h1>
<p class="sub">Pre-filled by debriefd from incident {{#INCIDENT_LINK}}<a href="{{INCIDENT}}">{{ID}}</a>{{/INCIDENT_LINK}}{{#INCIDENT_NONE}}{{ID}}{{/INCIDENT_NONE}} on {{GENERATED_AT}}. Times are UTC; offsets count from the real start. · <a href="{{MARKDOWN_URL}}">Markdown, to paste into the wiki</a></p>

<h2 id="facts">Facts</h2>
<ul class="facts">
<li><strong>Incident:</strong> {{#INCIDENT_LINK}}<a href="{{INCIDENT}}">{{ID}}</a>{{/INCIDENT_LINK}}{{#INCIDENT_NONE}}{{ID}}{{/INCIDENT_NONE}} (<span class="badge {{STATE}}">{{STATE}}</span>)</li>
<li><strong>Service:</strong> {{SERVICE}}</li>
<li><strong>Severity:</strong> {{SEVERITY}}</li>
<li><strong>Started:</strong> {{STARTED}} (the real start)</li>
<li><strong>Detected:</strong> {{DETECTED}}</li>
<li><strong>Resolved:</strong> {{#RESOLVED}}{{VALUE}}{{/RESOLVED}}{{#NOT_RESOLVED}}not yet{{/NOT_RESOLVED}}</li>
<li><strong>Debrief:</strong> <span class="badge {{DEBRIEF_STATUS}}">{{DEBRIEF_STATUS}}</span>{{#DEBRIEF_DUE}}, due {{VALUE}}{{/DEBRIEF_DUE}}{{#DEBRIEF_DONE}}, held {{VALUE}}{{/DEBRIEF_DONE}}{{#DEBRIEF_URL_LINK}}: <a href="{{DEBRIEF_URL}}">the debrief</a>{{/DEBRIEF_URL_LINK}}{{#DEBRIEF_URL_TEXT}}: {{DEBRIEF_URL}}{{/DEBRIEF_URL_TEXT}}{{#WAIVED}}; waived: {{VALUE}}{{/WAIVED}}</li>
</ul>

<h2 id="questions">The questions</h2>
<section class="answers" aria-label="The three questions of every debrief">
<div class="answer {{DETECT_CLASS}}" id="answer-detect"><span class="q">{{DETECT_QUESTION}}</span><span class="a">{{DETECT_ANSWER}}</span></div>
<div class="answer {{FIX_CLASS}}" id="answer-fix"><span class="q">{{FIX_QUESTION}}</span><span class="a">{{FIX_ANSWER}}</span></div>
<div class="answer {{ACT_CLASS}}" id="answer-act"><span class="q">Did we need to act?</span><span class="a">{{ACT_ANSWER}}</span></div>
</section>
<p class="sub">Goals for {{SEVERITY}} incidents: identified within {{GOAL_DETECT}}, fixed within {{GOAL_FIX}}, both counted from the real start.</p>

<h2 id="timeline">Timeline from the real start</h2>
<table class="timeline"><thead><tr><th>Time</th><th class="num">From the start</th><th>What</th><th>Detail</th><th>Link</th></tr></thead><tbody>
{{#STEP}}<tr class="{{KIND}}"><td>{{TIME}}</td><td class="num">{{OFFSET}}</td><td>{{WHAT}}</td><td>{{DETAIL}}</td><td>{{#URL_LINK}}<a href="{{URL}}">link</a>{{/URL_LINK}}{{#URL_TEXT}}{{URL}}{{/URL_TEXT}}</td></tr>
{{/STEP}}</tbody></table>

<h2 id="impact">Impact</h2>
<ul class="impact">
{{#IMPACT_ROW}}<li><strong>{{LABEL}}:</strong> {{#HAS_VALUE}}{{VALUE}}{{/HAS_VALUE}}{{#TO_FILL}}<em class="empty">to be filled in</em>{{/TO_FILL}}</li>
{{/IMPACT_ROW}}</ul>

<h2 id="cause">Cause</h2>
{{#CAUSE}}<p><strong>{{CAUSE_STATE}}:</strong> {{#CAUSE_URL_LINK}}<a href="{{CAUSE_URL}}">{{CAUSE_TEXT}}</a>{{/CAUSE_URL_LINK}}{{#CAUSE_URL_TEXT}}{{CAUSE_TEXT}} ({{CAUSE_URL}}){{/CAUSE_URL_TEXT}}{{#CAUSE_URL_NONE}}{{CAUSE_TEXT}}{{/CAUSE_URL_NONE}} at {{CAUSE_TIME}} ({{CAUSE_OFFSET}} from the start){{#CAUSE_DESCRIPTION}}: {{VALUE}}{{/CAUSE_DESCRIPTION}}</p>
{{/CAUSE}}{{#NO_CAUSE}}<p>No change to {{SERVICE}} in the {{WINDOW}} before the start: <em class="empty">to be filled in</em>.</p>
{{/NO_CAUSE}}
<h2 id="repeats">Never twice</h2>
{{#REPEAT}}<p>This incident repeats {{#REPEAT_OF_URL_LINK}}<a href="{{REPEAT_OF_URL}}">{{REPEAT_OF}}</a>{{/REPEAT_OF_URL_LINK}}{{#REPEAT_OF_URL_NONE}}{{REPEAT_OF}}{{/REPEAT_OF_URL_NONE}}.</p>
{{/REPEAT}}{{#EARLIER}}<p>Earlier incidents with the same key ({{KEY}}), newest first:</p>
<table><thead><tr><th>Incident</th><th>Title</th><th>Started</th><th>Debrief</th><th class="num">Items open</th></tr></thead><tbody>
{{#EARLIER_ROW}}<tr><td>{{#URL_LINK}}<a href="{{URL}}">{{ID}}</a>{{/URL_LINK}}{{#URL_NONE}}{{ID}}{{/URL_NONE}}</td><td>{{TITLE}}</td><td>{{STARTED}}</td><td>{{DEBRIEF}}</td><td class="num">{{ITEMS_OPEN}}</td></tr>
{{/EARLIER_ROW}}</tbody></table>
{{#EARLIER_MORE}}<p class="more">And {{COUNT}} older.</p>{{/EARLIER_MORE}}{{/EARLIER}}{{#NO_EARLIER}}<p class="empty">No earlier incident with the same key ({{KEY}}).</p>
{{/NO_EARLIER}}
<h2 id="what-must-change">What must change so that both answers are yes</h2>
<ul class="to-fill"><li></li><li></li><li></li></ul>

<h2 id="action-items">Action items</h2>
{{#ITEMS}}<table><thead><tr><th>Item</th><th>Title</th><th>State</th><th>Due</th><th>Link</th></tr></thead><tbody>
{{#ITEM}}<tr class="{{STATE}}"><td>{{ID}}</td><td>{{TITLE}}</td><td><span class="badge {{STATE}}">{{STATE}}</span></td><td>{{DUE}}</td><td>{{#URL_LINK}}<a href="{{URL}}">{{ID}}</a>{{/URL_LINK}}{{#URL_TEXT}}{{URL}}{{/URL_TEXT}}</td></tr>
{{/ITEM}}</tbody></table>
{{/ITEMS}}{{#NO_ITEMS}}<p class="empty">None yet: open one per change above in your tracker, labelled {{ITEM_LABEL}} and {{ITEM_INCIDENT_LABEL}}.</p>
{{/NO_ITEMS}}
<h2 id="checkpoint">Checkpoint</h2>
{{#CHECKPOINT_DONE}}<p>Held {{VALUE}}{{#NOTES}}: {{VALUE}}{{/NOTES}}.</p>
{{/CHECKPOINT_DONE}}{{#CHECKPOINT_DUE}}<p>Due {{VALUE}}, {{CHECKPOINT_PERIOD}} after the debrief: it reviews the action items above.</p>
{{/CHECKPOINT_DUE}}{{#CHECKPOINT_LATER}}<p>Due {{CHECKPOINT_PERIOD}} after the debrief is held: it reviews the action items above.</p>
{{/CHECKPOINT_LATER}}</article>
