-- Change data capture reads committed `following` rows (the source of truth) through this publication.
CREATE PUBLICATION relationgraph_following FOR TABLE following;
