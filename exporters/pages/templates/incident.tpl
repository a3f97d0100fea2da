{{%AUTOESCAPE context="HTML"}}<article class="incident">
<h1>{{TITLE}}</h1>
<p class="sub">{{ID}} · service <strong>{{SERVICE}}</strong> · severity <strong>{{SEVERITY}}</strong> · <span class="badge {{STATE}}">{{STATE}}</span>{{#REPEAT}} · repeat of <a href="{{BASE}}/incidents/{{REPEAT_OF_PATH}}">{{REPEAT_OF}}</a>{{/REPEAT}} · <a href="{{BASE}}/incidents/{{ID_PATH}}/debrief.md">debrief document</a></p>

<section class="answers" aria-label="The three questions of every debrief">
<div class="answer {{DETECT_CLASS}}" id="answer-detect"><span class="q">{{DETECT_QUESTION}}</span><span class="a">{{DETECT_ANSWER}}</span></div>
<div class="answer {{FIX_CLASS}}" id="answer-fix"><span class="q">{{FIX_QUESTION}}</span><span class="a">{{FIX_ANSWER}}</span></div>
<div class="answer {{ACT_CLASS}}" id="answer-act"><span class="q">Did we need to act?</span><span class="a">{{ACT_ANSWER}}</span></div>
</section>
<p class="sub">Goals for {{SEVERITY}} incidents: identified within {{GOAL_DETECT}}, fixed within {{GOAL_FIX}}, counted from the real start ({{STARTED_AT}}).</p>

<h2 id="timeline">Timeline from the real start</h2>
<svg class="axis" viewBox="0 0 1000 {{AXIS_HEIGHT}}" role="img" aria-labelledby="axis-title">
<title id="axis-title">Time axis from {{STARTED_AT}}, with the detect and fix goals</title>
<line x1="40" y1="40" x2="960" y2="40" stroke="#57606a" stroke-width="2"></line>
{{#GOAL_MARK}}<line x1="{{X}}" y1="22" x2="{{X}}" y2="58" stroke="{{COLOR}}" stroke-width="2" stroke-dasharray="4 3"></line><text x="{{X}}" y="14" text-anchor="middle">{{LABEL}}</text>
{{/GOAL_MARK}}{{#AXIS_MARK}}<circle cx="{{X}}" cy="40" r="5" fill="{{COLOR}}"><title>{{LABEL}}</title></circle>{{#AXIS_LABEL}}<text x="{{X}}" y="{{Y}}" text-anchor="{{ANCHOR}}">{{SHORT}}</text>{{/AXIS_LABEL}}
{{/AXIS_MARK}}</svg>
<ol class="timeline">
{{#STEP}}<li class="step {{KIND}}"><span class="when">{{TIME}}</span><span class="offset">{{OFFSET}}</span><span class="what">{{#URL_LINK}}<a href="{{URL}}">{{WHAT}}</a>{{/URL_LINK}}{{#URL_TEXT}}{{WHAT}} ({{URL}}){{/URL_TEXT}}{{#NO_URL}}{{WHAT}}{{/NO_URL}}{{#HAS_DETAIL}}<span class="detail">{{DETAIL}}</span>{{/HAS_DETAIL}}</span></li>
{{/STEP}}</ol>

<h2 id="impact">Impact</h2>
{{#IMPACT}}<dl class="impact">{{#CUSTOMERS}}<dt>Customers affected</dt><dd>{{VALUE}}</dd>{{/CUSTOMERS}}{{#COST}}<dt>Cost</dt><dd>{{VALUE}}</dd>{{/COST}}{{#SUMMARY}}<dt>Summary</dt><dd>{{VALUE}}</dd>{{/SUMMARY}}</dl>{{/IMPACT}}
{{#NO_IMPACT}}<p class="empty">Not recorded yet: the debrief records it.</p>{{/NO_IMPACT}}

<h2 id="cause">Cause</h2>
{{#CAUSE}}<p><strong>{{CAUSE_STATE}}:</strong> {{#CAUSE_URL_LINK}}<a href="{{CAUSE_URL}}">{{CAUSE_TEXT}}</a>{{/CAUSE_URL_LINK}}{{#CAUSE_URL_TEXT}}{{CAUSE_TEXT}} ({{CAUSE_URL}}){{/CAUSE_URL_TEXT}}{{#CAUSE_NO_URL}}{{CAUSE_TEXT}}{{/CAUSE_NO_URL}} at {{CAUSE_TIME}} ({{CAUSE_OFFSET}} from the start){{#CAUSE_DESCRIPTION}}: {{VALUE}}{{/CAUSE_DESCRIPTION}}</p>
{{/CAUSE}}{{#NO_CAUSE}}<p class="empty">No change to {{SERVICE}} in the window before the start.</p>{{/NO_CAUSE}}

<h2 id="repeats">Never twice</h2>
{{#LATER}}<p id="repeated-later"><strong>It happened again:</strong> {{LATER_COUNT}} later incident(s) with the same key, the first <a href="{{BASE}}/incidents/{{FIRST_LATER_PATH}}">{{FIRST_LATER}}</a> from {{FIRST_LATER_STARTED}}.</p>
{{/LATER}}{{#EARLIER}}<p>{{EARLIER_COUNT}} earlier incidents with the same key ({{KEY}}), the latest first:</p>
<table><thead><tr><th>Incident</th><th>Title</th><th>Started</th><th>Debrief</th></tr></thead><tbody>
{{#EARLIER_ROW}}<tr><td><a href="{{BASE}}/incidents/{{ID_PATH}}">{{ID}}</a></td><td>{{TITLE}}</td><td>{{STARTED}}</td><td>{{DEBRIEF}}</td></tr>
{{/EARLIER_ROW}}</tbody></table>{{#EARLIER_MORE}}<p class="more">And {{COUNT}} older: <a href="{{BASE}}/incidents?service={{SERVICE}}">the list</a>.</p>{{/EARLIER_MORE}}{{/EARLIER}}
{{#NO_EARLIER}}<p class="empty">No earlier incident with the same key ({{KEY}}).</p>{{/NO_EARLIER}}

<h2 id="debrief">Debrief</h2>
<p>Status: <span class="badge {{DEBRIEF_STATUS}}" id="debrief-status">{{DEBRIEF_STATUS}}</span>{{#DEBRIEF_DUE}} · due {{VALUE}}{{/DEBRIEF_DUE}}{{#DEBRIEF_DONE}} · held {{VALUE}}{{/DEBRIEF_DONE}}{{#DEBRIEF_URL_LINK}} · <a href="{{DEBRIEF_URL}}">the debrief</a>{{/DEBRIEF_URL_LINK}}{{#DEBRIEF_URL_TEXT}} · {{DEBRIEF_URL}}{{/DEBRIEF_URL_TEXT}}{{#WAIVED}} · waived: {{VALUE}}{{/WAIVED}}</p>
<p>Checkpoint: <span class="badge {{CHECKPOINT_STATUS}}">{{CHECKPOINT_STATUS}}</span>{{#CHECKPOINT_DUE}} · due {{VALUE}}{{/CHECKPOINT_DUE}}{{#CHECKPOINT_DONE}} · held {{VALUE}}{{/CHECKPOINT_DONE}}{{#CHECKPOINT_NOTES}} · {{VALUE}}{{/CHECKPOINT_NOTES}}</p>

<h2 id="action-items">Action items</h2>
{{#ITEMS}}<table><thead><tr><th>Item</th><th>Title</th><th>State</th><th>Due</th></tr></thead><tbody>
{{#ITEM}}<tr class="{{STATE}}"><td>{{#URL_LINK}}<a href="{{URL}}">{{ID}}</a>{{/URL_LINK}}{{#URL_TEXT}}{{ID}}{{/URL_TEXT}}{{#NO_URL}}{{ID}}{{/NO_URL}}</td><td>{{TITLE}}</td><td><span class="badge {{STATE}}">{{STATE}}</span></td><td>{{DUE}}</td></tr>
{{/ITEM}}</tbody></table>{{/ITEMS}}
{{#NO_ITEMS}}<p class="empty">No action items yet.</p>{{/NO_ITEMS}}
</article>
