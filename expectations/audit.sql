-- The audit frames: staged rows plus derived check columns, one query per validated table (expectations/).
-- Run by expectations/audit.validation_frames(), which first registers two small relations:
--   dq_batch_sources(source_id, issue_date)   the pages of the batch being validated (their `sources` rows
--                                              are written at publish time, so foreign keys check against these)
--   dq_units(unit, factor, shift, base_unit)   for every unit staged in metrics: base_value = value*factor+shift
--                                              (from transforms.metrics.to_base, factor null = unknown unit)
-- Columns named *_problem are NULL when the row is fine and otherwise say, in words a person can act on, what
-- is wrong with this row. Their expectation is "values are null", so the Data Docs and `zhnews report` show
-- these sentences as the failing examples. List columns become JSON strings (Great Expectations needs scalars).
-- txt(x) is a temporary macro (audit.py) = coalesce(x::VARCHAR, 'null'): format() returns NULL when any argument
-- is NULL, which would turn a problem into a pass, so every argument goes through txt(). slice_problem(article,
-- body, start, end, surface) is another (audit.py): NULL when body[start:end] == surface, else a sentence.
-- Every frame but entities keeps a `source_id` column so failures can be traced to pages (an entity is shared
-- by pages: audit.sources_of_entities() finds the pages that mention a failing one).
-- Long text that no expectation reads stays in DuckDB (GX hashes every frame it is given): articles carry
-- the first 30 characters of `body` (enough for its not-null and not-empty checks, the audits over the full
-- body run here in SQL), metrics leave out `sentence`, articles `keywords`.
-- audit.py sorts each frame by its table's primary key (from the contract), so the frames, and the failing
-- examples Great Expectations takes from them, do not depend on the order DuckDB stores or joins rows in.
-- Per-article counts of mentions and metrics are GROUP BY subqueries joined back, not window functions: a
-- window materializes every column of its input, and there that input carries each row's article body.
-- articles
SELECT a.* EXCLUDE (body, reporters, correspondents, keywords, flags),
       left(a.body, 30) AS body,
       to_json(a.reporters)::VARCHAR AS reporters, to_json(a.correspondents)::VARCHAR AS correspondents,
       to_json(a.flags)::VARCHAR AS flags,
       CASE WHEN s.source_id IS NULL THEN format('article {} names source {} which is not a page of this batch',
                                                 txt(a.article_id), txt(a.source_id)) END AS source_problem,
       CASE WHEN a.char_count IS DISTINCT FROM length(a.body)
            THEN format('article {}: char_count {} but body has {} characters', txt(a.article_id), txt(a.char_count),
                        txt(length(a.body))) END AS char_count_problem,
       CASE WHEN coalesce(length(a.body), 0) = 0 AND NOT list_contains(coalesce(a.flags, []), 'no_body')
            THEN format('article {} ("{}") has an empty body but no no_body flag', txt(a.article_id), txt(a.headline))
       END AS body_problem,
       length(a.headline) AS headline_length,
       count(*) OVER (PARTITION BY a.source_id) AS articles_on_page,
       CASE WHEN a.dateline_month BETWEEN 1 AND 12 AND a.dateline_day BETWEEN 1 AND 31
                 AND a.dateline_day > CASE WHEN a.dateline_month IN (4, 6, 9, 11) THEN 30
                                           WHEN a.dateline_month <> 2 THEN 31
                                           WHEN coalesce(year(a.dateline_date), year(s.issue_date)) IS NULL THEN 29
                                           WHEN (y.y % 4 = 0 AND y.y % 100 <> 0) OR y.y % 400 = 0 THEN 29
                                           ELSE 28 END
            THEN format('article {}: {}{}月{}日 does not exist (dateline "{}")', txt(a.article_id),
                        txt(coalesce(y.y::VARCHAR || '年', '')), txt(a.dateline_month), txt(a.dateline_day), txt(a.dateline))
       END AS dateline_problem,
       CASE WHEN a.dateline_date IS NOT NULL AND a.dateline_month IS NOT NULL AND a.dateline_day IS NOT NULL
                 AND (month(a.dateline_date) <> a.dateline_month OR day(a.dateline_date) <> a.dateline_day)
            THEN format('article {}: dateline_date {} but the dateline says {}月{}日', txt(a.article_id),
                        txt(a.dateline_date), txt(a.dateline_month), txt(a.dateline_day)) END AS dateline_date_problem,
       CASE WHEN a.dateline_date IS NOT NULL AND s.issue_date IS NOT NULL
                 AND NOT a.dateline_date BETWEEN s.issue_date - INTERVAL 366 DAY AND s.issue_date + INTERVAL 1 DAY
            THEN format('article {}: dateline_date {} is far from the issue date {}', txt(a.article_id), txt(a.dateline_date),
                        txt(s.issue_date)) END AS dateline_far_from_issue
FROM staging.articles a
LEFT JOIN dq_batch_sources s USING (source_id)
CROSS JOIN LATERAL (SELECT coalesce(year(a.dateline_date), year(s.issue_date)) AS y) y;
-- entities
SELECT e.*, length(e.name) AS name_length,
       CASE WHEN e.name IS NULL OR e.entity_type IS NULL THEN NULL
            WHEN e.name <> trim(e.name) OR regexp_matches(e.name, '[\s\n\r\t]')
                 THEN format('{} "{}" has white space in its name', txt(e.entity_type), txt(e.name))
            WHEN e.entity_type = 'person' AND NOT (length(e.name) BETWEEN 2 AND 4
                 OR (regexp_matches(e.name, '[·•．.\-—]') AND length(e.name) BETWEEN 3 AND 20)
                 OR transliterated(e.name))
                 THEN format('person "{}": {} characters (expected 2-4, or a transliterated name)',
                             txt(e.name), txt(length(e.name)))
            WHEN e.entity_type = 'organization' AND NOT length(e.name) BETWEEN 2 AND 40
                 THEN format('organization "{}": {} characters (expected 2-40)', txt(e.name), txt(length(e.name)))
            WHEN e.entity_type = 'location' AND NOT length(e.name) BETWEEN 2 AND 25
                 THEN format('location "{}": {} characters (expected 2-25)', txt(e.name), txt(length(e.name)))
       END AS name_problem
FROM staging.entities e;
-- entity_mentions
SELECT m.*, a.source_id,
       CASE WHEN a.article_id IS NULL THEN format('mention {} refers to article {} which is not in the batch',
                                                  txt(m.mention_id), txt(m.article_id)) END AS article_problem,
       CASE WHEN e.entity_id IS NULL THEN format('mention {} ("{}") refers to entity {} which is not in the batch',
                                                 txt(m.mention_id), txt(m.surface), txt(m.entity_id)) END AS entity_problem,
       CASE WHEN m.role = 'mentioned' AND (m.char_start IS NULL OR m.char_end IS NULL)
                 THEN format('mention {} ("{}") has no offsets', txt(m.mention_id), txt(m.surface))
            WHEN m.role IN ('reporter', 'correspondent') AND m.char_start IS NOT NULL
                 THEN format('byline {} "{}" has offsets', txt(m.role), txt(m.surface))
            ELSE slice_problem(m.article_id, a.body, m.char_start, m.char_end, m.surface)
       END AS offset_problem,
       CASE WHEN m.role IN ('reporter', 'correspondent') AND e.entity_type <> 'person'
            THEN format('{} "{}" is linked to a {}, not a person', txt(m.role), txt(m.surface), txt(e.entity_type))
       END AS byline_problem,
       coalesce(n.mentions_in_article, 0) AS mentions_in_article
FROM staging.entity_mentions m
LEFT JOIN staging.articles a USING (article_id)
LEFT JOIN staging.entities e USING (entity_id)
LEFT JOIN (SELECT article_id, count(*) FILTER (WHERE role = 'mentioned') AS mentions_in_article
           FROM staging.entity_mentions GROUP BY article_id) n USING (article_id);
-- metrics
SELECT m.* EXCLUDE (sentence), a.source_id,
       CASE WHEN a.article_id IS NULL THEN format('metric {} refers to article {} which is not in the batch',
                                                  txt(m.metric_id), txt(m.article_id)) END AS article_problem,
       slice_problem(m.article_id, a.body, m.char_start, m.char_end, m.surface) AS offset_problem,
       CASE WHEN m.low IS NOT NULL AND m.high IS NOT NULL AND m.low > m.high
                 THEN format('"{}": low {} > high {}', txt(m.surface), txt(m.low), txt(m.high))
            WHEN m.base_value IS NOT NULL AND (m.base_value < m.low OR m.base_value > m.high)
                 THEN format('"{}": base_value {} outside [{}, {}]', txt(m.surface), txt(m.base_value), txt(m.low), txt(m.high))
       END AS range_problem,
       CASE WHEN m.value IS NULL AND m.base_value IS NULL THEN NULL
            WHEN m.value IS NULL OR m.base_value IS NULL
                 THEN format('"{}": value {} but base_value {}', txt(m.surface), txt(m.value), txt(m.base_value))
            WHEN u.factor IS NULL
                 THEN format('"{}": unit "{}" is unknown to transforms.metrics', txt(m.surface), txt(m.unit))
            WHEN m.base_unit IS DISTINCT FROM u.base_unit
                 THEN format('"{}": base_unit {} but unit "{}" converts to {}', txt(m.surface), txt(m.base_unit), txt(m.unit),
                             txt(u.base_unit))
            WHEN abs(m.base_value - (m.value * u.factor + u.shift))
                 > 1e-9 * greatest(1.0, abs(m.base_value), abs(m.value * u.factor + u.shift))
                 THEN format('"{}": {} {} is {} {}, but base_value is {}', txt(m.surface), txt(m.value), txt(coalesce(m.unit, '')),
                             txt(m.value * u.factor + u.shift), txt(u.base_unit), txt(m.base_value))
       END AS base_value_problem,
       n.metrics_in_article
FROM staging.metrics m
LEFT JOIN staging.articles a USING (article_id)
LEFT JOIN dq_units u ON u.unit IS NOT DISTINCT FROM m.unit
LEFT JOIN (SELECT article_id, count(*) AS metrics_in_article FROM staging.metrics GROUP BY article_id) n
       USING (article_id);
-- page_residue
SELECT r.*,
       CASE WHEN s.source_id IS NULL THEN format('residue of source {} which is not a page of this batch',
                                                 txt(r.source_id)) END AS source_problem
FROM staging.page_residue r
LEFT JOIN dq_batch_sources s USING (source_id)
