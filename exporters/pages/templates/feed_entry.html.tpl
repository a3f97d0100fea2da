{{%AUTOESCAPE context="HTML"}}<p>{{KIND}} <a href="{{INCIDENT_URL}}">{{TITLE}}</a> ({{ID}}): service {{SERVICE}}, severity {{SEVERITY}}, started {{STARTED}}.</p>
<ul>
<li>{{DETECT_QUESTION}} {{DETECT_ANSWER}}</li>
<li>{{FIX_QUESTION}} {{FIX_ANSWER}}</li>
</ul>
{{#DEBRIEF_LINK}}<p><a href="{{DEBRIEF_URL}}">Read the debrief</a></p>
{{/DEBRIEF_LINK}}
