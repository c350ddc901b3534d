-- Views for downstream SQL. Recreated on every run from this file.
CREATE OR REPLACE VIEW person_mentions AS
SELECT e.name AS person, m.title, m.role, a.headline, a.dateline_month, a.dateline_day, a.dateline_date,
       s.path AS source_path, m.article_id
FROM entity_mentions m
JOIN entities e USING (entity_id)
JOIN articles a USING (article_id)
JOIN sources s USING (source_id)
WHERE e.entity_type = 'person';

CREATE OR REPLACE VIEW money_facts AS
SELECT a.headline, m.surface, m.base_value AS amount, m.base_unit AS currency, m.qualifier, m.low, m.high,
       m.counted, m.sentence, m.article_id
FROM metrics m JOIN articles a USING (article_id)
WHERE m.kind = 'money';

CREATE OR REPLACE VIEW latest_run AS
SELECT * FROM runs ORDER BY started_at DESC LIMIT 1;
