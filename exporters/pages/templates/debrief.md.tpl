{{! Markdown has no AUTOESCAPE context in ctemplate: debrief.cc escapes every value for Markdown as it sets it. }}# Debrief: {{TITLE}} ({{ID}})

Pre-filled by debriefd from incident {{#INCIDENT_LINK}}[{{ID}}]({{INCIDENT}}){{/INCIDENT_LINK}}{{#INCIDENT_NONE}}{{ID}}{{/INCIDENT_NONE}} on {{GENERATED_AT}}. Times are UTC; offsets count from the real start.

## Facts

- **Incident:** {{#INCIDENT_LINK}}[{{ID}}]({{INCIDENT}}){{/INCIDENT_LINK}}{{#INCIDENT_NONE}}{{ID}}{{/INCIDENT_NONE}} ({{STATE}})
- **Service:** {{SERVICE}}
- **Severity:** {{SEVERITY}}
- **Started:** {{STARTED}} (the real start)
- **Detected:** {{DETECTED}}
- **Resolved:** {{#RESOLVED}}{{VALUE}}{{/RESOLVED}}{{#NOT_RESOLVED}}not yet{{/NOT_RESOLVED}}
- **Debrief:** {{DEBRIEF_STATUS}}{{#DEBRIEF_DUE}}, due {{VALUE}}{{/DEBRIEF_DUE}}{{#DEBRIEF_DONE}}, held {{VALUE}}{{/DEBRIEF_DONE}}{{#DEBRIEF_URL_LINK}}: [the debrief]({{DEBRIEF_URL}}){{/DEBRIEF_URL_LINK}}{{#DEBRIEF_URL_TEXT}}: {{DEBRIEF_URL}}{{/DEBRIEF_URL_TEXT}}{{#WAIVED}}; waived: {{VALUE}}{{/WAIVED}}

## The questions

| Question | Answer |
| --- | --- |
| {{DETECT_QUESTION}} | {{DETECT_ANSWER}} |
| {{FIX_QUESTION}} | {{FIX_ANSWER}} |
| Did we need to act? | {{ACT_ANSWER}} |

Goals for {{SEVERITY}} incidents: identified within {{GOAL_DETECT}}, fixed within {{GOAL_FIX}}, both counted from the real start.

## Timeline from the real start

| Time | From the start | What | Detail | Link |
| --- | ---: | --- | --- | --- |
{{#STEP}}| {{TIME}} | {{OFFSET}} | {{WHAT}} | {{DETAIL}} | {{#URL_LINK}}[link]({{URL}}){{/URL_LINK}}{{#URL_TEXT}}{{URL}}{{/URL_TEXT}} |
{{/STEP}}
## Impact

{{#IMPACT_ROW}}- **{{LABEL}}:** {{#HAS_VALUE}}{{VALUE}}{{/HAS_VALUE}}{{#TO_FILL}}_to be filled in_{{/TO_FILL}}
{{/IMPACT_ROW}}
## Cause

{{#CAUSE}}**{{CAUSE_STATE}}:** {{#CAUSE_URL_LINK}}[{{CAUSE_TEXT}}]({{CAUSE_URL}}){{/CAUSE_URL_LINK}}{{#CAUSE_URL_TEXT}}{{CAUSE_TEXT}} ({{CAUSE_URL}}){{/CAUSE_URL_TEXT}}{{#CAUSE_URL_NONE}}{{CAUSE_TEXT}}{{/CAUSE_URL_NONE}} at {{CAUSE_TIME}} ({{CAUSE_OFFSET}} from the start){{#CAUSE_DESCRIPTION}}: {{VALUE}}{{/CAUSE_DESCRIPTION}}
{{/CAUSE}}{{#NO_CAUSE}}No change to {{SERVICE}} in the {{WINDOW}} before the start: _to be filled in_.
{{/NO_CAUSE}}
## Never twice

{{#REPEAT}}This incident repeats {{#REPEAT_OF_URL_LINK}}[{{REPEAT_OF}}]({{REPEAT_OF_URL}}){{/REPEAT_OF_URL_LINK}}{{#REPEAT_OF_URL_NONE}}{{REPEAT_OF}}{{/REPEAT_OF_URL_NONE}}.

{{/REPEAT}}{{#EARLIER}}Earlier incidents with the same key ({{KEY}}), newest first:

| Incident | Title | Started | Debrief | Items open |
| --- | --- | --- | --- | ---: |
{{#EARLIER_ROW}}| {{#URL_LINK}}[{{ID}}]({{URL}}){{/URL_LINK}}{{#URL_NONE}}{{ID}}{{/URL_NONE}} | {{TITLE}} | {{STARTED}} | {{DEBRIEF}} | {{ITEMS_OPEN}} |
{{/EARLIER_ROW}}{{#EARLIER_MORE}}
And {{COUNT}} older.
{{/EARLIER_MORE}}{{/EARLIER}}{{#NO_EARLIER}}No earlier incident with the same key ({{KEY}}).
{{/NO_EARLIER}}
## What must change so that both answers are yes

- 
- 
- 

## Action items

{{#ITEMS}}| Item | Title | State | Due | Link |
| --- | --- | --- | --- | --- |
{{#ITEM}}| {{ID}} | {{TITLE}} | {{STATE}} | {{DUE}} | {{#URL_LINK}}[{{ID}}]({{URL}}){{/URL_LINK}}{{#URL_TEXT}}{{URL}}{{/URL_TEXT}} |
{{/ITEM}}{{/ITEMS}}{{#NO_ITEMS}}None yet: open one per change above in your tracker, labelled {{ITEM_LABEL}} and {{ITEM_INCIDENT_LABEL}}.
{{/NO_ITEMS}}
## Checkpoint

{{#CHECKPOINT_DONE}}Held {{VALUE}}{{#NOTES}}: {{VALUE}}{{/NOTES}}.
{{/CHECKPOINT_DONE}}{{#CHECKPOINT_DUE}}Due {{VALUE}}, {{CHECKPOINT_PERIOD}} after the debrief: it reviews the action items above.
{{/CHECKPOINT_DUE}}{{#CHECKPOINT_LATER}}Due {{CHECKPOINT_PERIOD}} after the debrief is held: it reviews the action items above.
{{/CHECKPOINT_LATER}}