{{%AUTOESCAPE context="HTML"}}<h1>Where we stand</h1>
<p class="sub">{{QUARTER}} so far, beside {{PREVIOUS_QUARTER}}. Every item links to its page.</p>

<section class="tiles" aria-label="This quarter">
<div class="tile" id="tile-detect"><span class="figure">{{DETECT_NOW}}</span><span class="label">identified within the goal in {{QUARTER}} ({{DETECT_BEFORE}} in {{PREVIOUS_QUARTER}})</span></div>
<div class="tile" id="tile-fix"><span class="figure">{{FIX_NOW}}</span><span class="label">fixed within the goal in {{QUARTER}} ({{FIX_BEFORE}} in {{PREVIOUS_QUARTER}})</span></div>
<div class="tile" id="tile-repeats"><span class="figure">{{REPEATS}}</span><span class="label">repeats in {{QUARTER}} ({{REPEATS_BEFORE}} in {{PREVIOUS_QUARTER}})</span></div>
<div class="tile" id="tile-open"><span class="figure">{{OPEN_COUNT}}</span><span class="label">incidents open now</span></div>
</section>

<h2 id="open">Incidents open now</h2>
{{#OPEN}}<table><thead><tr><th>Incident</th><th>Title</th><th>Service</th><th>Severity</th><th>Started</th><th>Open for</th></tr></thead><tbody>
{{#ROW}}<tr><td><a href="{{BASE}}/incidents/{{ID_PATH}}">{{ID}}</a></td><td>{{TITLE}}</td><td>{{SERVICE}}</td><td>{{SEVERITY}}</td><td>{{STARTED}}</td><td class="num">{{AGE}}</td></tr>
{{/ROW}}</tbody></table>{{/OPEN}}
{{#MORE_OPEN}}<p class="more">And {{COUNT}} more: <a href="{{BASE}}/incidents?state=open">every open incident</a>.</p>{{/MORE_OPEN}}
{{#NO_OPEN}}<p class="empty">No incident is open.</p>{{/NO_OPEN}}

<h2 id="debriefs">Debriefs overdue and due soon</h2>
{{#DEBRIEFS}}<table><thead><tr><th>Incident</th><th>Title</th><th>Service</th><th>Status</th><th>Due</th></tr></thead><tbody>
{{#ROW}}<tr class="{{STATUS}}"><td><a href="{{BASE}}/incidents/{{ID_PATH}}">{{ID}}</a></td><td>{{TITLE}}</td><td>{{SERVICE}}</td><td><span class="badge {{STATUS}}">{{STATUS}}</span></td><td>{{DUE}} ({{WHEN}})</td></tr>
{{/ROW}}</tbody></table>{{/DEBRIEFS}}
{{#MORE_DEBRIEFS}}<p class="more">And {{COUNT}} more: <a href="{{BASE}}/incidents?debrief=overdue">every overdue debrief</a>.</p>{{/MORE_DEBRIEFS}}
{{#NO_DEBRIEFS}}<p class="empty">No debrief is overdue or due within {{SOON}}.</p>{{/NO_DEBRIEFS}}

<h2 id="checkpoints">Checkpoints due</h2>
{{#CHECKPOINTS}}<table><thead><tr><th>Incident</th><th>Title</th><th>Status</th><th>Due</th></tr></thead><tbody>
{{#ROW}}<tr class="{{STATUS}}"><td><a href="{{BASE}}/incidents/{{ID_PATH}}">{{ID}}</a></td><td>{{TITLE}}</td><td><span class="badge {{STATUS}}">{{STATUS}}</span></td><td>{{DUE}}</td></tr>
{{/ROW}}</tbody></table>{{/CHECKPOINTS}}
{{#MORE_CHECKPOINTS}}<p class="more">And {{COUNT}} more.</p>{{/MORE_CHECKPOINTS}}
{{#NO_CHECKPOINTS}}<p class="empty">No checkpoint is due.</p>{{/NO_CHECKPOINTS}}

<h2 id="action-items">Open action items</h2>
{{#ITEMS}}<table><thead><tr><th>Item</th><th>Title</th><th>Incident</th><th>Service</th><th>Due</th></tr></thead><tbody>
{{#ROW}}<tr class="{{STATE}}"><td>{{#URL_LINK}}<a href="{{URL}}">{{ID}}</a>{{/URL_LINK}}{{#URL_TEXT}}{{ID}}{{/URL_TEXT}}{{#NO_URL}}{{ID}}{{/NO_URL}}</td><td>{{TITLE}}</td><td>{{#LINKED}}<a href="{{BASE}}/incidents/{{INCIDENT_PATH}}">{{INCIDENT}}</a>{{/LINKED}}{{#UNLINKED}}<span class="empty">names no incident</span>{{/UNLINKED}}</td><td>{{SERVICE}}</td><td>{{DUE}}{{#OVERDUE}} <span class="badge overdue">overdue</span>{{/OVERDUE}}</td></tr>
{{/ROW}}</tbody></table>{{/ITEMS}}
{{#MORE_ITEMS}}<p class="more">And {{COUNT}} more, in the monthly review (<code>debriefd report --month</code>) and <code>GET /api/v1/action-items?state=open</code>.</p>{{/MORE_ITEMS}}
{{#NO_ITEMS}}<p class="empty">No action item is open.</p>{{/NO_ITEMS}}

<h2 id="repeats">Repeats in {{QUARTER}}</h2>
{{#REPEAT_LIST}}<table><thead><tr><th>Incident</th><th>Title</th><th>Repeats</th><th>Started</th></tr></thead><tbody>
{{#ROW}}<tr><td><a href="{{BASE}}/incidents/{{ID_PATH}}">{{ID}}</a></td><td>{{TITLE}}</td><td><a href="{{BASE}}/incidents/{{REPEAT_OF_PATH}}">{{REPEAT_OF}}</a></td><td>{{STARTED}}</td></tr>
{{/ROW}}</tbody></table>{{/REPEAT_LIST}}
{{#MORE_REPEATS}}<p class="more">And {{COUNT}} more.</p>{{/MORE_REPEATS}}
{{#NO_REPEATS}}<p class="empty">No incident repeated an earlier one this quarter.</p>{{/NO_REPEATS}}
