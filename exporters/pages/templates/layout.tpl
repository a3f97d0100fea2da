{{%AUTOESCAPE context="HTML"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · debriefd</title>
<link rel="stylesheet" href="{{BASE}}/static/style.css">
<link rel="alternate" type="application/atom+xml" title="Debriefs" href="{{BASE}}/feed.atom">
</head>
<body>
<header class="top">
<nav aria-label="Main">
<a class="brand" href="{{BASE}}/">debriefd</a>
<a href="{{BASE}}/incidents">Incidents</a>
<a href="{{BASE}}/feed.atom">Feed</a>
</nav>
</header>
<main>
{{>CONTENT}}
</main>
<footer class="bottom">Times in UTC. Generated {{GENERATED_AT}}.</footer>
</body>
</html>
