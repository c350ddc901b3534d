-- articles
SELECT a.* EXCLUDE (reporters, correspondents, keywords, flags),
       to_json(a.reporters)::VARCHAR AS reporters, to_json(a.correspondents)::VARCHAR AS correspondents,
       to_json(a.keywords)::VARCHAR AS keywords, to_json(a.flags)::VARCHAR AS flags,
       a.char_count = length(a.body) AS char_count_matches_body,
       length(a.headline) AS headline_length,
       count(*) OVER (PARTITION BY a.source_id) AS articles_on_page,
       coalesce(a.dateline_day IS NULL OR a.dateline_month IS NULL
                OR try_cast(make_date(2024, a.dateline_month, a.dateline_day) AS DATE) IS NOT NULL, false)
           AS dateline_day_exists
FROM staging.articles a;
-- entities
SELECT e.*, length(e.name) AS name_length,
       e.entity_type <> 'person' OR length(e.name) BETWEEN 2 AND 4 AS person_name_plausible
FROM staging.entities e;
-- entity_mentions
SELECT m.*, a.source_id,
       a.article_id IS NOT NULL AS article_exists,
       e.entity_id IS NOT NULL AS entity_exists,
       CASE WHEN m.char_start IS NULL THEN m.surface
            ELSE substr(a.body, m.char_start + 1, m.char_end - m.char_start) END AS body_slice,
       (m.char_start IS NULL) = (m.role <> 'mentioned') AS offsets_match_role,
       count(*) FILTER (WHERE m.role = 'mentioned') OVER (PARTITION BY m.article_id) AS mentions_in_article
FROM staging.entity_mentions m
LEFT JOIN staging.articles a USING (article_id)
LEFT JOIN staging.entities e USING (entity_id);
-- metrics
SELECT m.*, a.source_id,
       a.article_id IS NOT NULL AS article_exists,
       substr(a.body, m.char_start + 1, m.char_end - m.char_start) AS body_slice,
       (m.low IS NULL OR m.high IS NULL OR m.low <= m.high) AS range_ordered
FROM staging.metrics m
LEFT JOIN staging.articles a USING (article_id);
-- page_residue
SELECT r.* FROM staging.page_residue r
