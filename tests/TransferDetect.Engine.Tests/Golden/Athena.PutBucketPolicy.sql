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
  WHERE (e.eventname IN ('PutBucketPolicy'))
),
grants AS (
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, '*' AS grantee, 'Public' AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(b.rowkey AS VARCHAR) || ':' || json_format(s4.x) AS grp, 3 AS rnk, '' AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null'))
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, json_extract_scalar(cv7.x, '$') AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(b.rowkey AS VARCHAR) || ':' || json_format(s4.x) AS grp, CASE lower(ck6.k) WHEN 'aws:principalaccount' THEN 0 WHEN 'aws:sourceaccount' THEN 0 WHEN 'kms:calleraccount' THEN 0 WHEN 'aws:principalorgid' THEN 1 WHEN 'aws:sourceorgid' THEN 1 WHEN 'aws:principalorgpaths' THEN 2 WHEN 'aws:sourceorgpaths' THEN 2 END AS rnk, co5.k || '/' || ck6.k AS entry, (CASE lower(ck6.k) WHEN 'aws:principalaccount' THEN 0 WHEN 'aws:sourceaccount' THEN 0 WHEN 'kms:calleraccount' THEN 0 WHEN 'aws:principalorgid' THEN 1 WHEN 'aws:sourceorgid' THEN 1 WHEN 'aws:principalorgpaths' THEN 2 WHEN 'aws:sourceorgpaths' THEN 2 END < 2 AND (strpos(json_extract_scalar(cv7.x, '$'), '*') > 0 OR strpos(json_extract_scalar(cv7.x, '$'), '?') > 0)) AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  CROSS JOIN LATERAL (SELECT json_extract(s4.x, '$.Condition') AS v) AS a8
  CROSS JOIN UNNEST(TRY_CAST(a8.v AS MAP(VARCHAR, JSON))) AS co5(k, v)
  CROSS JOIN LATERAL (SELECT co5.v AS v) AS a9
  CROSS JOIN UNNEST(TRY_CAST(a9.v AS MAP(VARCHAR, JSON))) AS ck6(k, v)
  CROSS JOIN LATERAL (SELECT ck6.v AS v) AS a10
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a10.v) IS NOT NULL THEN CAST(a10.v AS ARRAY(JSON)) WHEN a10.v IS NULL OR json_format(a10.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a10.v] END)) AS cv7(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null')) AND CASE lower(ck6.k) WHEN 'aws:principalaccount' THEN 0 WHEN 'aws:sourceaccount' THEN 0 WHEN 'kms:calleraccount' THEN 0 WHEN 'aws:principalorgid' THEN 1 WHEN 'aws:sourceorgid' THEN 1 WHEN 'aws:principalorgpaths' THEN 2 WHEN 'aws:sourceorgpaths' THEN 2 END IS NOT NULL AND lower(CASE WHEN lower(co5.k) LIKE 'foranyvalue:%' THEN substr(co5.k, 13) ELSE co5.k END) IN ('stringequals', 'stringlike', 'stringequalsignorecase', 'arnequals', 'arnlike') AND json_extract_scalar(cv7.x, '$') IS NOT NULL AND json_extract_scalar(cv7.x, '$') <> ''
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, '*' AS grantee, 'Public' AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(b.rowkey AS VARCHAR) || ':' || json_format(s4.x) AS grp, 3 AS rnk, '' AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND NOT (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null')) AND (json_format(json_extract(s4.x, '$.Principal')) LIKE '"%') AND trim(json_extract_scalar(json_extract(s4.x, '$.Principal'), '$')) = '*'
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, json_extract_scalar(cv13.x, '$') AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(b.rowkey AS VARCHAR) || ':' || json_format(s4.x) AS grp, CASE lower(ck12.k) WHEN 'aws:principalaccount' THEN 0 WHEN 'aws:sourceaccount' THEN 0 WHEN 'kms:calleraccount' THEN 0 WHEN 'aws:principalorgid' THEN 1 WHEN 'aws:sourceorgid' THEN 1 WHEN 'aws:principalorgpaths' THEN 2 WHEN 'aws:sourceorgpaths' THEN 2 END AS rnk, co11.k || '/' || ck12.k AS entry, (CASE lower(ck12.k) WHEN 'aws:principalaccount' THEN 0 WHEN 'aws:sourceaccount' THEN 0 WHEN 'kms:calleraccount' THEN 0 WHEN 'aws:principalorgid' THEN 1 WHEN 'aws:sourceorgid' THEN 1 WHEN 'aws:principalorgpaths' THEN 2 WHEN 'aws:sourceorgpaths' THEN 2 END < 2 AND (strpos(json_extract_scalar(cv13.x, '$'), '*') > 0 OR strpos(json_extract_scalar(cv13.x, '$'), '?') > 0)) AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  CROSS JOIN LATERAL (SELECT json_extract(s4.x, '$.Condition') AS v) AS a14
  CROSS JOIN UNNEST(TRY_CAST(a14.v AS MAP(VARCHAR, JSON))) AS co11(k, v)
  CROSS JOIN LATERAL (SELECT co11.v AS v) AS a15
  CROSS JOIN UNNEST(TRY_CAST(a15.v AS MAP(VARCHAR, JSON))) AS ck12(k, v)
  CROSS JOIN LATERAL (SELECT ck12.v AS v) AS a16
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a16.v) IS NOT NULL THEN CAST(a16.v AS ARRAY(JSON)) WHEN a16.v IS NULL OR json_format(a16.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a16.v] END)) AS cv13(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND NOT (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null')) AND (json_format(json_extract(s4.x, '$.Principal')) LIKE '"%') AND trim(json_extract_scalar(json_extract(s4.x, '$.Principal'), '$')) = '*' AND CASE lower(ck12.k) WHEN 'aws:principalaccount' THEN 0 WHEN 'aws:sourceaccount' THEN 0 WHEN 'kms:calleraccount' THEN 0 WHEN 'aws:principalorgid' THEN 1 WHEN 'aws:sourceorgid' THEN 1 WHEN 'aws:principalorgpaths' THEN 2 WHEN 'aws:sourceorgpaths' THEN 2 END IS NOT NULL AND lower(CASE WHEN lower(co11.k) LIKE 'foranyvalue:%' THEN substr(co11.k, 13) ELSE co11.k END) IN ('stringequals', 'stringlike', 'stringequalsignorecase', 'arnequals', 'arnlike') AND json_extract_scalar(cv13.x, '$') IS NOT NULL AND json_extract_scalar(cv13.x, '$') <> ''
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, json_extract_scalar(json_extract(s4.x, '$.Principal'), '$') AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND NOT (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null')) AND (json_format(json_extract(s4.x, '$.Principal')) LIKE '"%') AND trim(json_extract_scalar(json_extract(s4.x, '$.Principal'), '$')) <> '*' AND NOT COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Principal'), '$'))) LIKE '%.amazonaws.com' OR lower(trim(json_extract_scalar(json_extract(s4.x, '$.Principal'), '$'))) LIKE '%.amazonaws.com.cn' OR lower(trim(json_extract_scalar(json_extract(s4.x, '$.Principal'), '$'))) LIKE '%.amazon.com' OR lower(trim(json_extract_scalar(json_extract(s4.x, '$.Principal'), '$'))) = 'aws internal' OR lower(trim(json_extract_scalar(json_extract(s4.x, '$.Principal'), '$'))) LIKE 'arn:aws:iam::cloudfront:user/%', FALSE)
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, '*' AS grantee, 'Public' AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(b.rowkey AS VARCHAR) || ':' || json_format(s4.x) AS grp, 3 AS rnk, '' AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  CROSS JOIN LATERAL (SELECT json_extract(s4.x, '$.Principal') AS v) AS a19
  CROSS JOIN UNNEST(TRY_CAST(a19.v AS MAP(VARCHAR, JSON))) AS pm17(k, v)
  CROSS JOIN LATERAL (SELECT pm17.v AS v) AS a20
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a20.v) IS NOT NULL THEN CAST(a20.v AS ARRAY(JSON)) WHEN a20.v IS NULL OR json_format(a20.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a20.v] END)) AS pv18(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND NOT (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null')) AND (json_format(json_extract(s4.x, '$.Principal')) LIKE '{%') AND json_extract_scalar(pv18.x, '$') IS NOT NULL AND json_extract_scalar(pv18.x, '$') <> '' AND upper(pm17.k) = 'AWS' AND trim(json_extract_scalar(pv18.x, '$')) = '*'
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, json_extract_scalar(cv23.x, '$') AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(b.rowkey AS VARCHAR) || ':' || json_format(s4.x) AS grp, CASE lower(ck22.k) WHEN 'aws:principalaccount' THEN 0 WHEN 'aws:sourceaccount' THEN 0 WHEN 'kms:calleraccount' THEN 0 WHEN 'aws:principalorgid' THEN 1 WHEN 'aws:sourceorgid' THEN 1 WHEN 'aws:principalorgpaths' THEN 2 WHEN 'aws:sourceorgpaths' THEN 2 END AS rnk, co21.k || '/' || ck22.k AS entry, (CASE lower(ck22.k) WHEN 'aws:principalaccount' THEN 0 WHEN 'aws:sourceaccount' THEN 0 WHEN 'kms:calleraccount' THEN 0 WHEN 'aws:principalorgid' THEN 1 WHEN 'aws:sourceorgid' THEN 1 WHEN 'aws:principalorgpaths' THEN 2 WHEN 'aws:sourceorgpaths' THEN 2 END < 2 AND (strpos(json_extract_scalar(cv23.x, '$'), '*') > 0 OR strpos(json_extract_scalar(cv23.x, '$'), '?') > 0)) AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  CROSS JOIN LATERAL (SELECT json_extract(s4.x, '$.Principal') AS v) AS a19
  CROSS JOIN UNNEST(TRY_CAST(a19.v AS MAP(VARCHAR, JSON))) AS pm17(k, v)
  CROSS JOIN LATERAL (SELECT pm17.v AS v) AS a20
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a20.v) IS NOT NULL THEN CAST(a20.v AS ARRAY(JSON)) WHEN a20.v IS NULL OR json_format(a20.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a20.v] END)) AS pv18(x)
  CROSS JOIN LATERAL (SELECT json_extract(s4.x, '$.Condition') AS v) AS a24
  CROSS JOIN UNNEST(TRY_CAST(a24.v AS MAP(VARCHAR, JSON))) AS co21(k, v)
  CROSS JOIN LATERAL (SELECT co21.v AS v) AS a25
  CROSS JOIN UNNEST(TRY_CAST(a25.v AS MAP(VARCHAR, JSON))) AS ck22(k, v)
  CROSS JOIN LATERAL (SELECT ck22.v AS v) AS a26
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a26.v) IS NOT NULL THEN CAST(a26.v AS ARRAY(JSON)) WHEN a26.v IS NULL OR json_format(a26.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a26.v] END)) AS cv23(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND NOT (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null')) AND (json_format(json_extract(s4.x, '$.Principal')) LIKE '{%') AND json_extract_scalar(pv18.x, '$') IS NOT NULL AND json_extract_scalar(pv18.x, '$') <> '' AND upper(pm17.k) = 'AWS' AND trim(json_extract_scalar(pv18.x, '$')) = '*' AND CASE lower(ck22.k) WHEN 'aws:principalaccount' THEN 0 WHEN 'aws:sourceaccount' THEN 0 WHEN 'kms:calleraccount' THEN 0 WHEN 'aws:principalorgid' THEN 1 WHEN 'aws:sourceorgid' THEN 1 WHEN 'aws:principalorgpaths' THEN 2 WHEN 'aws:sourceorgpaths' THEN 2 END IS NOT NULL AND lower(CASE WHEN lower(co21.k) LIKE 'foranyvalue:%' THEN substr(co21.k, 13) ELSE co21.k END) IN ('stringequals', 'stringlike', 'stringequalsignorecase', 'arnequals', 'arnlike') AND json_extract_scalar(cv23.x, '$') IS NOT NULL AND json_extract_scalar(cv23.x, '$') <> ''
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, json_extract_scalar(pv18.x, '$') AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  CROSS JOIN LATERAL (SELECT json_extract(s4.x, '$.Principal') AS v) AS a19
  CROSS JOIN UNNEST(TRY_CAST(a19.v AS MAP(VARCHAR, JSON))) AS pm17(k, v)
  CROSS JOIN LATERAL (SELECT pm17.v AS v) AS a20
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a20.v) IS NOT NULL THEN CAST(a20.v AS ARRAY(JSON)) WHEN a20.v IS NULL OR json_format(a20.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a20.v] END)) AS pv18(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND NOT (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null')) AND (json_format(json_extract(s4.x, '$.Principal')) LIKE '{%') AND json_extract_scalar(pv18.x, '$') IS NOT NULL AND json_extract_scalar(pv18.x, '$') <> '' AND upper(pm17.k) = 'AWS' AND trim(json_extract_scalar(pv18.x, '$')) <> '*' AND NOT COALESCE(lower(trim(json_extract_scalar(pv18.x, '$'))) LIKE '%.amazonaws.com' OR lower(trim(json_extract_scalar(pv18.x, '$'))) LIKE '%.amazonaws.com.cn' OR lower(trim(json_extract_scalar(pv18.x, '$'))) LIKE '%.amazon.com' OR lower(trim(json_extract_scalar(pv18.x, '$'))) = 'aws internal' OR lower(trim(json_extract_scalar(pv18.x, '$'))) LIKE 'arn:aws:iam::cloudfront:user/%', FALSE)
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, json_extract_scalar(pv18.x, '$') AS grantee, 'User' AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  CROSS JOIN LATERAL (SELECT json_extract(s4.x, '$.Principal') AS v) AS a19
  CROSS JOIN UNNEST(TRY_CAST(a19.v AS MAP(VARCHAR, JSON))) AS pm17(k, v)
  CROSS JOIN LATERAL (SELECT pm17.v AS v) AS a20
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a20.v) IS NOT NULL THEN CAST(a20.v AS ARRAY(JSON)) WHEN a20.v IS NULL OR json_format(a20.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a20.v] END)) AS pv18(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND NOT (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null')) AND (json_format(json_extract(s4.x, '$.Principal')) LIKE '{%') AND json_extract_scalar(pv18.x, '$') IS NOT NULL AND json_extract_scalar(pv18.x, '$') <> '' AND upper(pm17.k) = 'CANONICALUSER'
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Storage' AS category, 'S3Bucket' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.bucketName'), '$') AS resourceid,
    'Add' AS action, json_extract_scalar(pv18.x, '$') AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CASE WHEN COALESCE(lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$'))) = 'backup:copyintobackupvault' OR (lower(trim(json_extract_scalar(json_extract(s4.x, '$.Action'), '$[0]'))) = 'backup:copyintobackupvault' AND json_extract(json_extract(s4.x, '$.Action'), '$[1]') IS NULL), FALSE) THEN 'backup:CopyIntoBackupVault' ELSE json_format(json_extract(s4.x, '$.Action')) END AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.bucketPolicy') AS v) AS a1
  CROSS JOIN LATERAL (SELECT (CASE WHEN (json_format(a1.v) LIKE '"%') THEN TRY(json_parse(json_extract_scalar(a1.v, '$'))) ELSE a1.v END) AS v) AS a2
  CROSS JOIN LATERAL (SELECT json_extract(a2.v, '$.Statement') AS v) AS a3
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a3.v) IS NOT NULL THEN CAST(a3.v AS ARRAY(JSON)) WHEN a3.v IS NULL OR json_format(a3.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a3.v] END)) AS s4(x)
  CROSS JOIN LATERAL (SELECT json_extract(s4.x, '$.Principal') AS v) AS a19
  CROSS JOIN UNNEST(TRY_CAST(a19.v AS MAP(VARCHAR, JSON))) AS pm17(k, v)
  CROSS JOIN LATERAL (SELECT pm17.v AS v) AS a20
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a20.v) IS NOT NULL THEN CAST(a20.v AS ARRAY(JSON)) WHEN a20.v IS NULL OR json_format(a20.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a20.v] END)) AS pv18(x)
  WHERE b.eventname = 'PutBucketPolicy'
    AND (b.eventsource IS NULL OR b.eventsource IN ('s3.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND COALESCE(lower(trim(json_extract_scalar(s4.x, '$.Effect'))) = 'allow', FALSE) AND NOT (json_extract(s4.x, '$.NotPrincipal') IS NOT NULL AND (json_format(json_extract(s4.x, '$.NotPrincipal')) <> 'null')) AND (json_format(json_extract(s4.x, '$.Principal')) LIKE '{%') AND json_extract_scalar(pv18.x, '$') IS NOT NULL AND json_extract_scalar(pv18.x, '$') <> '' AND upper(pm17.k) = 'FEDERATED'
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
