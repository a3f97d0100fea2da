{{%AUTOESCAPE context="HTML"}}<h1>Incidents</h1>
<form class="filters" method="get" action="{{BASE}}/incidents">
<label>State<select name="state">{{#STATE_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/STATE_OPTION}}</select></label>
<label>Service<input name="service" value="{{SERVICE}}" list="services"></label>
<datalist id="services">{{#SERVICE_OPTION}}<option value="{{VALUE}}"></option>{{/SERVICE_OPTION}}</datalist>
<label>Severity<input name="severity" value="{{SEVERITY}}"></label>
<label>Debrief<select name="debrief">{{#DEBRIEF_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/DEBRIEF_OPTION}}</select></label>
<label>Quarter<input name="quarter" value="{{QUARTER}}" placeholder="2026-Q3"></label>
<button type="submit">Filter</button>
</form>
<p class="sub" id="count">{{TOTAL}}, newest first{{#PAGED}}; page {{PAGE}} of {{PAGES}}{{/PAGED}}.</p>
{{#ROWS}}<table><thead><tr><th>Incident</th><th>Title</th><th>Service</th><th>Severity</th><th>Started</th><th class="num">Detect</th><th class="num">Fix</th><th>Debrief</th></tr></thead><tbody>
{{#ROW}}<tr><td><a href="{{BASE}}/incidents/{{ID_PATH}}">{{ID}}</a></td><td>{{TITLE}}</td><td>{{SERVICE}}</td><td>{{SEVERITY}}</td><td>{{STARTED}}</td><td class="num"><span class="badge {{DETECT_CLASS}}">{{DETECT}}</span></td><td class="num"><span class="badge {{FIX_CLASS}}">{{FIX}}</span></td><td><span class="badge {{DEBRIEF}}">{{DEBRIEF}}</span></td></tr>
{{/ROW}}</tbody></table>{{/ROWS}}
{{#NO_ROWS}}<p class="empty">No incident matches.</p>{{/NO_ROWS}}
<nav class="pages" aria-label="Pages">{{#PREV}}<a rel="prev" href="{{BASE}}/incidents?state={{STATE}}&amp;service={{SERVICE}}&amp;severity={{SEVERITY}}&amp;debrief={{DEBRIEF}}&amp;quarter={{QUARTER}}&amp;page={{TO_PAGE}}">Newer</a>{{/PREV}}{{#NEXT}}<a rel="next" href="{{BASE}}/incidents?state={{STATE}}&amp;service={{SERVICE}}&amp;severity={{SEVERITY}}&amp;debrief={{DEBRIEF}}&amp;quarter={{QUARTER}}&amp;page={{TO_PAGE}}">Older</a>{{/NEXT}}</nav>
