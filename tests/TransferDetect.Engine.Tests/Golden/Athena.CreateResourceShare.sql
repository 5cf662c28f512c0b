-- TransferDetect: shares to principals outside the trust zone (MITRE ATT&CK T1537), generated from the engine's AWS definitions.
-- One row per finding; severity and verdict as Find-ExternalShare gives them. Dialect: Athena.
WITH base AS (
  SELECT row_number() OVER () AS rowkey,
    e.eventid AS eventid,
    e.eventtime AS eventtime,
    e.eventname AS eventname,
    e.eventsource AS eventsource,
    e.awsregion AS awsregion,
    e.errorcode AS errorcode,
    e.recipientaccountid AS recipientaccountid,
    e.useridentity.accountid AS identityaccount,
    e.useridentity.invokedby AS invokedby,
    e.useridentity.arn AS actor,
    e.requestparameters AS requestparameters,
    e.responseelements AS responseelements,
    e.serviceeventdetails AS serviceeventdetails,
    e.resources AS resources
  FROM cloudtrail_logs e
  WHERE (e.eventname IN ('CreateResourceShare'))
),
grants AS (
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Resource' AS category, 'RamResourceShare' AS resourcetype, COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.resourceShareArn'), '$'), json_extract_scalar(json_extract(json_extract(b.responseelements, '$.resourceShare'), '$.resourceShareArn'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.name'), '$')) AS resourceid,
    'Add' AS action, json_extract_scalar(v2.x, '$') AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CASE WHEN COALESCE(lower(replace(json_extract_scalar(json_extract(b.requestparameters, '$.allowExternalPrincipals'), '$'), '_', '')) = 'false', FALSE) THEN 'RamInsideOrganization' END AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.principals') AS v) AS a1
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a1.v) IS NOT NULL THEN CAST(a1.v AS ARRAY(JSON)) WHEN a1.v IS NULL OR json_format(a1.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a1.v] END)) AS v2(x)
  WHERE b.eventname = 'CreateResourceShare'
    AND (b.eventsource IS NULL OR b.eventsource IN ('ram.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND NOT COALESCE(lower(trim(json_extract_scalar(v2.x, '$'))) LIKE '%.amazonaws.com' OR lower(trim(json_extract_scalar(v2.x, '$'))) LIKE '%.amazonaws.com.cn' OR lower(trim(json_extract_scalar(v2.x, '$'))) LIKE '%.amazon.com' OR lower(trim(json_extract_scalar(v2.x, '$'))) = 'aws internal' OR lower(trim(json_extract_scalar(v2.x, '$'))) LIKE 'arn:aws:iam::cloudfront:user/%', FALSE)
),
parsed AS (
  SELECT g.*,
    CASE WHEN g.granteetypehint = 'Public' THEN 'Public' WHEN g.granteetypehint = 'User' THEN 'User'
      WHEN g.t = '*' OR lower(g.t) = 'all' OR regexp_like(regexp_replace(g.t, '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(AllUsers|AuthenticatedUsers)$') THEN 'Public'
      WHEN regexp_like(g.t, '^[0-9]{12}$') THEN 'Account'
      WHEN regexp_like(g.t, '^o-[a-z0-9]{10,32}$') THEN 'Organization'
      WHEN regexp_like(g.t, '^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$') THEN 'OrganizationalUnit'
      WHEN g.t LIKE 'o-%' THEN CASE WHEN NOT regexp_like(regexp_replace(g.t, '[/*]+$', ''), '^o-[a-z0-9]{10,32}(/|$)') THEN 'Unknown' WHEN regexp_like(regexp_replace(g.t, '[/*]+$', ''), '^.*/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}(/.*)?$') THEN 'OrganizationalUnit' ELSE 'Organization' END
      WHEN regexp_like(g.t, '^arn:[^:]*:organizations:[^:]*:[^:]*:organization/o-[a-z0-9]{10,32}$') THEN 'Organization'
      WHEN regexp_like(g.t, '^arn:[^:]*:organizations:[^:]*:[^:]*:ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$') THEN 'OrganizationalUnit'
      WHEN regexp_like(g.t, '^arn:[^:]*:(iam|sts):[^:]*:[0-9]{12}:') THEN 'Account'
      ELSE 'Unknown' END AS kind,
    COALESCE(NULLIF(regexp_extract(g.t, '^([0-9]{12})$', 1), ''), NULLIF(regexp_extract(g.t, '^arn:[^:]*:(iam|sts):[^:]*:([0-9]{12}):', 2), '')) AS granteeaccount,
    COALESCE(NULLIF(regexp_extract(g.t, '^(o-[a-z0-9]{10,32})$', 1), ''), NULLIF(regexp_extract(regexp_replace(g.t, '[/*]+$', ''), '^(o-[a-z0-9]{10,32})(/|$)', 1), ''), NULLIF(regexp_extract(g.t, '^arn:[^:]*:organizations:[^:]*:[^:]*:(?:organization|ou)/(o-[a-z0-9]{10,32})', 1), '')) AS granteeorganization,
    COALESCE(NULLIF(regexp_extract(g.t, '^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$', 1), ''), NULLIF(regexp_extract(regexp_replace(g.t, '[/*]+$', ''), '^.*/(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})(/.*)?$', 1), ''), NULLIF(regexp_extract(g.t, '^arn:[^:]*:organizations:[^:]*:[^:]*:ou/o-[a-z0-9]{10,32}/(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$', 1), '')) AS granteeunit
  FROM (SELECT grants.*, trim(grants.grantee) AS t FROM grants) g
  WHERE g.grantee IS NOT NULL AND g.grantee <> '' AND g.action IN ('Add', 'Use')
    AND (g.invokedby IS NULL OR strpos(lower(g.invokedby), 'marketplace') = 0)
),
narrowed AS (
  SELECT q.* FROM (
    SELECT r.*, min(r.rnk) OVER (PARTITION BY r.grp) AS bestrank, row_number() OVER (PARTITION BY r.grp, r.grantee ORDER BY r.rnk) AS duplicate
    FROM (SELECT p0.*, max(CASE WHEN p0.wildcard THEN 1 ELSE 0 END) OVER (PARTITION BY p0.grp, p0.entry) AS entrywildcard FROM parsed p0) r
    WHERE r.rnk IS NULL OR r.rnk = 3 OR (r.entrywildcard = 0 AND NOT (r.rnk = 2 AND r.kind = 'Unknown'))
  ) q
  WHERE q.rnk IS NULL OR (q.rnk = q.bestrank AND q.duplicate = 1)
),
judged AS (
  SELECT p.*,
    CASE WHEN p.category = 'Guardrail' THEN 'Public'
      WHEN p.kind = 'Public' THEN 'Public' WHEN p.kind = 'User' THEN 'External'
      WHEN p.kind = 'Account' THEN CASE WHEN p.granteeaccount = p.owneraccount OR p.granteeaccount IN ('444455556666') THEN 'Trusted' ELSE 'External' END
      WHEN p.kind = 'Organization' THEN CASE WHEN p.granteeorganization IN ('o-a1b2c3d4e5') THEN 'Trusted' ELSE 'External' END
      WHEN p.kind = 'OrganizationalUnit' THEN CASE WHEN p.granteeunit IN ('ou-ab12-cdef3456') OR p.granteeorganization IN ('o-a1b2c3d4e5') THEN 'Trusted' ELSE 'External' END
      ELSE 'Unknown' END AS verdict
  FROM narrowed p
)
SELECT j.eventid, j.eventtime, j.eventname, j.eventsource, j.awsregion, j.owneraccount AS accountid, j.actor,
  j.category, j.resourcetype, j.resourceid, j.action, j.grantee,
  COALESCE(j.granteetypehint, CASE WHEN j.kind = 'User' THEN 'User' ELSE j.kind END) AS granteetype, j.permission, j.errorcode, j.verdict,
  CASE WHEN j.category = 'Guardrail' THEN CASE WHEN j.errorcode IS NULL THEN 'Medium' ELSE 'Low' END
    WHEN j.errorcode IS NOT NULL THEN CASE WHEN j.verdict = 'Public' THEN 'Medium' ELSE 'Low' END
    WHEN j.verdict = 'External' AND j.category = 'Backup' AND lower(trim(j.permission)) = 'backup:copyintobackupvault' THEN 'Low'
    WHEN j.verdict = 'External' AND j.note = 'RamInsideOrganization' THEN 'Medium'
    WHEN j.verdict = 'Public' THEN 'Critical' WHEN j.verdict = 'External' THEN 'High' ELSE 'Medium' END AS severity
FROM judged j
WHERE j.verdict <> 'Trusted'
ORDER BY j.eventtime, j.eventid, j.grantee
