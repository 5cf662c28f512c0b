-- TransferDetect: shares to principals outside the trust zone (MITRE ATT&CK T1537), generated from the engine's AWS definitions.
-- One row per finding; severity and verdict as Find-ExternalShare gives them. Dialect: CloudTrailLake.
WITH base AS (
  SELECT row_number() OVER () AS rowkey,
    e.eventID AS eventid,
    e.eventTime AS eventtime,
    e.eventName AS eventname,
    e.eventSource AS eventsource,
    e.awsRegion AS awsregion,
    e.errorCode AS errorcode,
    e.recipientAccountId AS recipientaccountid,
    e.userIdentity.accountId AS identityaccount,
    e.userIdentity.invokedBy AS invokedby,
    e.userIdentity.arn AS actor,
    e.requestParameters AS requestparameters,
    e.responseElements AS responseelements,
    e.serviceEventDetails AS serviceeventdetails,
    e.resources AS resources
  FROM 0123abcd-4567-89ef-0123-456789abcdef e
  WHERE (e.eventName IN ('PutBucketAcl'))
),
grants AS (
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(COALESCE(TRY(json_parse(element_at(b.requestparameters, 'bucketName'))), CAST(element_at(b.requestparameters, 'bucketName') AS JSON)), '$') AS resourceid,
    'Add' AS action, COALESCE(json_extract_scalar(a4.v, '$.URI'), json_extract_scalar(a4.v, '$.ID'), json_extract_scalar(a4.v, '$.EmailAddress')) AS grantee, CASE WHEN json_extract_scalar(a4.v, '$.URI') IS NOT NULL THEN CASE WHEN COALESCE(regexp_like(regexp_replace(trim(json_extract_scalar(a4.v, '$.URI')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(AllUsers|AuthenticatedUsers)$'), FALSE) THEN 'Public' ELSE 'Unknown' END WHEN json_extract_scalar(a4.v, '$.ID') IS NOT NULL THEN CASE WHEN json_extract_scalar(json_extract(a1.v, '$.Owner'), '$.ID') IS NOT NULL THEN 'User' ELSE 'Unknown' END ELSE 'User' END AS granteetypehint, json_extract_scalar(g3.x, '$.Permission') AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT COALESCE(TRY(json_parse(element_at(b.requestparameters, 'AccessControlPolicy'))), CAST(element_at(b.requestparameters, 'AccessControlPolicy') AS JSON)) AS v) AS a1
  CROSS JOIN LATERAL (SELECT json_extract(json_extract(a1.v, '$.AccessControlList'), '$.Grant') AS v) AS a2
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a2.v) IS NOT NULL THEN CAST(a2.v AS ARRAY(JSON)) WHEN a2.v IS NULL OR json_format(a2.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a2.v] END)) AS g3(x)
  CROSS JOIN LATERAL (SELECT json_extract(g3.x, '$.Grantee') AS v) AS a4
  WHERE b.eventname = 'PutBucketAcl'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND b.requestparameters IS NOT NULL
    AND (json_format(a1.v) LIKE '{%') AND NOT (json_extract_scalar(a4.v, '$.URI') IS NOT NULL AND COALESCE(regexp_like(regexp_replace(trim(json_extract_scalar(a4.v, '$.URI')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(LogDelivery)$'), FALSE)) AND NOT (json_extract_scalar(a4.v, '$.URI') IS NULL AND json_extract_scalar(a4.v, '$.ID') IS NOT NULL AND COALESCE(lower(json_extract_scalar(a4.v, '$.ID')) = lower(json_extract_scalar(json_extract(a1.v, '$.Owner'), '$.ID')), FALSE))
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(COALESCE(TRY(json_parse(element_at(b.requestparameters, 'bucketName'))), CAST(element_at(b.requestparameters, 'bucketName') AS JSON)), '$') AS resourceid,
    'Add' AS action, CASE WHEN lower(trim(json_extract_scalar(c6.x, '$'))) IN ('public-read', 'public-read-write') THEN 'http://acs.amazonaws.com/groups/global/AllUsers' WHEN lower(trim(json_extract_scalar(c6.x, '$'))) = 'authenticated-read' THEN 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' END AS grantee, 'Public' AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT COALESCE(TRY(json_parse(element_at(b.requestparameters, 'x-amz-acl'))), CAST(element_at(b.requestparameters, 'x-amz-acl') AS JSON)) AS v) AS a5
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a5.v) IS NOT NULL THEN CAST(a5.v AS ARRAY(JSON)) WHEN a5.v IS NULL OR json_format(a5.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a5.v] END)) AS c6(x)
  WHERE b.eventname = 'PutBucketAcl'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND b.requestparameters IS NOT NULL
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(COALESCE(TRY(json_parse(element_at(b.requestparameters, 'bucketName'))), CAST(element_at(b.requestparameters, 'bucketName') AS JSON)), '$') AS resourceid,
    'Add' AS action, regexp_replace(regexp_replace(trim(substr(e9.x, strpos(e9.x, '=') + 1)), '^"+', ''), '"+$', '') AS grantee, CASE WHEN lower(trim(substr(e9.x, 1, strpos(e9.x, '=') - 1))) = 'uri' THEN CASE WHEN COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e9.x, strpos(e9.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(AllUsers|AuthenticatedUsers)$'), FALSE) THEN 'Public' ELSE 'Unknown' END WHEN lower(trim(substr(e9.x, 1, strpos(e9.x, '=') - 1))) = 'emailaddress' THEN 'User' ELSE 'Unknown' END AS granteetypehint, 'READ' AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT COALESCE(TRY(json_parse(element_at(b.requestparameters, 'x-amz-grant-read'))), CAST(element_at(b.requestparameters, 'x-amz-grant-read') AS JSON)) AS v) AS a7
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a7.v) IS NOT NULL THEN CAST(a7.v AS ARRAY(JSON)) WHEN a7.v IS NULL OR json_format(a7.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a7.v] END)) AS h8(x)
  CROSS JOIN UNNEST(split(json_extract_scalar(h8.x, '$'), ',')) AS e9(x)
  WHERE b.eventname = 'PutBucketAcl'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND b.requestparameters IS NOT NULL
    AND strpos(e9.x, '=') > 1 AND NOT (lower(trim(substr(e9.x, 1, strpos(e9.x, '=') - 1))) = 'uri' AND COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e9.x, strpos(e9.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(LogDelivery)$'), FALSE))
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(COALESCE(TRY(json_parse(element_at(b.requestparameters, 'bucketName'))), CAST(element_at(b.requestparameters, 'bucketName') AS JSON)), '$') AS resourceid,
    'Add' AS action, regexp_replace(regexp_replace(trim(substr(e12.x, strpos(e12.x, '=') + 1)), '^"+', ''), '"+$', '') AS grantee, CASE WHEN lower(trim(substr(e12.x, 1, strpos(e12.x, '=') - 1))) = 'uri' THEN CASE WHEN COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e12.x, strpos(e12.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(AllUsers|AuthenticatedUsers)$'), FALSE) THEN 'Public' ELSE 'Unknown' END WHEN lower(trim(substr(e12.x, 1, strpos(e12.x, '=') - 1))) = 'emailaddress' THEN 'User' ELSE 'Unknown' END AS granteetypehint, 'WRITE' AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT COALESCE(TRY(json_parse(element_at(b.requestparameters, 'x-amz-grant-write'))), CAST(element_at(b.requestparameters, 'x-amz-grant-write') AS JSON)) AS v) AS a10
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a10.v) IS NOT NULL THEN CAST(a10.v AS ARRAY(JSON)) WHEN a10.v IS NULL OR json_format(a10.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a10.v] END)) AS h11(x)
  CROSS JOIN UNNEST(split(json_extract_scalar(h11.x, '$'), ',')) AS e12(x)
  WHERE b.eventname = 'PutBucketAcl'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND b.requestparameters IS NOT NULL
    AND strpos(e12.x, '=') > 1 AND NOT (lower(trim(substr(e12.x, 1, strpos(e12.x, '=') - 1))) = 'uri' AND COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e12.x, strpos(e12.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(LogDelivery)$'), FALSE))
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(COALESCE(TRY(json_parse(element_at(b.requestparameters, 'bucketName'))), CAST(element_at(b.requestparameters, 'bucketName') AS JSON)), '$') AS resourceid,
    'Add' AS action, regexp_replace(regexp_replace(trim(substr(e15.x, strpos(e15.x, '=') + 1)), '^"+', ''), '"+$', '') AS grantee, CASE WHEN lower(trim(substr(e15.x, 1, strpos(e15.x, '=') - 1))) = 'uri' THEN CASE WHEN COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e15.x, strpos(e15.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(AllUsers|AuthenticatedUsers)$'), FALSE) THEN 'Public' ELSE 'Unknown' END WHEN lower(trim(substr(e15.x, 1, strpos(e15.x, '=') - 1))) = 'emailaddress' THEN 'User' ELSE 'Unknown' END AS granteetypehint, 'READ_ACP' AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT COALESCE(TRY(json_parse(element_at(b.requestparameters, 'x-amz-grant-read-acp'))), CAST(element_at(b.requestparameters, 'x-amz-grant-read-acp') AS JSON)) AS v) AS a13
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a13.v) IS NOT NULL THEN CAST(a13.v AS ARRAY(JSON)) WHEN a13.v IS NULL OR json_format(a13.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a13.v] END)) AS h14(x)
  CROSS JOIN UNNEST(split(json_extract_scalar(h14.x, '$'), ',')) AS e15(x)
  WHERE b.eventname = 'PutBucketAcl'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND b.requestparameters IS NOT NULL
    AND strpos(e15.x, '=') > 1 AND NOT (lower(trim(substr(e15.x, 1, strpos(e15.x, '=') - 1))) = 'uri' AND COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e15.x, strpos(e15.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(LogDelivery)$'), FALSE))
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(COALESCE(TRY(json_parse(element_at(b.requestparameters, 'bucketName'))), CAST(element_at(b.requestparameters, 'bucketName') AS JSON)), '$') AS resourceid,
    'Add' AS action, regexp_replace(regexp_replace(trim(substr(e18.x, strpos(e18.x, '=') + 1)), '^"+', ''), '"+$', '') AS grantee, CASE WHEN lower(trim(substr(e18.x, 1, strpos(e18.x, '=') - 1))) = 'uri' THEN CASE WHEN COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e18.x, strpos(e18.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(AllUsers|AuthenticatedUsers)$'), FALSE) THEN 'Public' ELSE 'Unknown' END WHEN lower(trim(substr(e18.x, 1, strpos(e18.x, '=') - 1))) = 'emailaddress' THEN 'User' ELSE 'Unknown' END AS granteetypehint, 'WRITE_ACP' AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT COALESCE(TRY(json_parse(element_at(b.requestparameters, 'x-amz-grant-write-acp'))), CAST(element_at(b.requestparameters, 'x-amz-grant-write-acp') AS JSON)) AS v) AS a16
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a16.v) IS NOT NULL THEN CAST(a16.v AS ARRAY(JSON)) WHEN a16.v IS NULL OR json_format(a16.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a16.v] END)) AS h17(x)
  CROSS JOIN UNNEST(split(json_extract_scalar(h17.x, '$'), ',')) AS e18(x)
  WHERE b.eventname = 'PutBucketAcl'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND b.requestparameters IS NOT NULL
    AND strpos(e18.x, '=') > 1 AND NOT (lower(trim(substr(e18.x, 1, strpos(e18.x, '=') - 1))) = 'uri' AND COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e18.x, strpos(e18.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(LogDelivery)$'), FALSE))
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(COALESCE(TRY(json_parse(element_at(b.requestparameters, 'bucketName'))), CAST(element_at(b.requestparameters, 'bucketName') AS JSON)), '$') AS resourceid,
    'Add' AS action, regexp_replace(regexp_replace(trim(substr(e21.x, strpos(e21.x, '=') + 1)), '^"+', ''), '"+$', '') AS grantee, CASE WHEN lower(trim(substr(e21.x, 1, strpos(e21.x, '=') - 1))) = 'uri' THEN CASE WHEN COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e21.x, strpos(e21.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(AllUsers|AuthenticatedUsers)$'), FALSE) THEN 'Public' ELSE 'Unknown' END WHEN lower(trim(substr(e21.x, 1, strpos(e21.x, '=') - 1))) = 'emailaddress' THEN 'User' ELSE 'Unknown' END AS granteetypehint, 'FULL_CONTROL' AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT COALESCE(TRY(json_parse(element_at(b.requestparameters, 'x-amz-grant-full-control'))), CAST(element_at(b.requestparameters, 'x-amz-grant-full-control') AS JSON)) AS v) AS a19
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a19.v) IS NOT NULL THEN CAST(a19.v AS ARRAY(JSON)) WHEN a19.v IS NULL OR json_format(a19.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a19.v] END)) AS h20(x)
  CROSS JOIN UNNEST(split(json_extract_scalar(h20.x, '$'), ',')) AS e21(x)
  WHERE b.eventname = 'PutBucketAcl'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND b.requestparameters IS NOT NULL
    AND strpos(e21.x, '=') > 1 AND NOT (lower(trim(substr(e21.x, 1, strpos(e21.x, '=') - 1))) = 'uri' AND COALESCE(regexp_like(regexp_replace(trim(regexp_replace(regexp_replace(trim(substr(e21.x, strpos(e21.x, '=') + 1)), '^"+', ''), '"+$', '')), '/+$', ''), '(?i)^(.*acs\.amazonaws\.com/groups/(.*/)?)?(LogDelivery)$'), FALSE))
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
