{{%AUTOESCAPE context="XML"}}<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>{{FEED_ID}}</id>
<title>{{FEED_TITLE}}</title>
<updated>{{UPDATED}}</updated>
<link rel="self" type="application/atom+xml" href="{{SELF}}"/>
<link rel="alternate" type="text/html" href="{{ALTERNATE}}"/>
<generator>debriefd</generator>
{{#ENTRY}}<entry>
<id>{{ID}}</id>
<title>{{TITLE}}</title>
<updated>{{UPDATED}}</updated>
<published>{{PUBLISHED}}</published>
<author><name>debriefd</name></author>
{{#CATEGORY}}<category term="{{SERVICE}}" label="service {{SERVICE}}"/>
{{/CATEGORY}}<link rel="alternate" type="text/html" href="{{INCIDENT_URL}}"/>
{{#RELATED}}<link rel="related" type="text/html" title="the debrief" href="{{DEBRIEF_URL}}"/>
{{/RELATED}}<summary>{{SUMMARY}}</summary>
<content type="html">{{CONTENT}}</content>
</entry>
{{/ENTRY}}</feed>
