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
  WHERE (e.eventname IN ('ModifySnapshotAttribute'))
),
grants AS (
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Snapshot' AS category, 'EbsSnapshot' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.snapshotId'), '$') AS resourceid,
    'Add' AS action, f4.x AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT COALESCE(json_extract(COALESCE(json_extract(b.requestparameters, '$.createVolumePermission'), json_extract(b.requestparameters, '$.CreateVolumePermission')), '$.add'), json_extract(COALESCE(json_extract(b.requestparameters, '$.createVolumePermission'), json_extract(b.requestparameters, '$.CreateVolumePermission')), '$.Add')) AS v) AS a1
  CROSS JOIN LATERAL (SELECT COALESCE(json_extract(a1.v, '$.items'), a1.v) AS v) AS a2
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a2.v) IS NOT NULL THEN CAST(a2.v AS ARRAY(JSON)) WHEN a2.v IS NULL OR json_format(a2.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a2.v] END)) AS i3(x)
  CROSS JOIN UNNEST(ARRAY[json_extract_scalar(i3.x, '$'), COALESCE(json_extract_scalar(i3.x, '$.userId'), json_extract_scalar(i3.x, '$.UserId')), CASE WHEN COALESCE(json_extract_scalar(i3.x, '$.group'), json_extract_scalar(i3.x, '$.Group')) IS NOT NULL THEN CASE WHEN lower(COALESCE(json_extract_scalar(i3.x, '$.group'), json_extract_scalar(i3.x, '$.Group'))) = 'all' THEN 'all' ELSE 'group:' || COALESCE(json_extract_scalar(i3.x, '$.group'), json_extract_scalar(i3.x, '$.Group')) END END, COALESCE(json_extract_scalar(i3.x, '$.organizationArn'), json_extract_scalar(i3.x, '$.OrganizationArn')), COALESCE(json_extract_scalar(i3.x, '$.organizationalUnitArn'), json_extract_scalar(i3.x, '$.OrganizationalUnitArn'))]) AS f4(x)
  WHERE b.eventname = 'ModifySnapshotAttribute'
    AND (b.eventsource IS NULL OR b.eventsource IN ('ec2.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND (COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')) IS NULL OR lower(replace(COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')), '_', '')) = 'createvolumepermission')
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Snapshot' AS category, 'EbsSnapshot' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.snapshotId'), '$') AS resourceid,
    CASE WHEN lower(replace(json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$'), '_', '')) = 'remove' THEN 'Remove' ELSE 'Add' END AS action, f12.x AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.userId') AS v) AS a9
  CROSS JOIN LATERAL (SELECT COALESCE(json_extract(a9.v, '$.items'), a9.v) AS v) AS a10
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a10.v) IS NOT NULL THEN CAST(a10.v AS ARRAY(JSON)) WHEN a10.v IS NULL OR json_format(a10.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a10.v] END)) AS i11(x)
  CROSS JOIN UNNEST(ARRAY[json_extract_scalar(i11.x, '$'), COALESCE(json_extract_scalar(i11.x, '$.userId'), json_extract_scalar(i11.x, '$.UserId')), CASE WHEN COALESCE(json_extract_scalar(i11.x, '$.group'), json_extract_scalar(i11.x, '$.Group')) IS NOT NULL THEN CASE WHEN lower(COALESCE(json_extract_scalar(i11.x, '$.group'), json_extract_scalar(i11.x, '$.Group'))) = 'all' THEN 'all' ELSE 'group:' || COALESCE(json_extract_scalar(i11.x, '$.group'), json_extract_scalar(i11.x, '$.Group')) END END, COALESCE(json_extract_scalar(i11.x, '$.organizationArn'), json_extract_scalar(i11.x, '$.OrganizationArn')), COALESCE(json_extract_scalar(i11.x, '$.organizationalUnitArn'), json_extract_scalar(i11.x, '$.OrganizationalUnitArn'))]) AS f12(x)
  WHERE b.eventname = 'ModifySnapshotAttribute'
    AND (b.eventsource IS NULL OR b.eventsource IN ('ec2.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND (COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')) IS NULL OR lower(replace(COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')), '_', '')) = 'createvolumepermission')
    AND json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$') IS NOT NULL
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Snapshot' AS category, 'EbsSnapshot' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.snapshotId'), '$') AS resourceid,
    CASE WHEN lower(replace(json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$'), '_', '')) = 'remove' THEN 'Remove' ELSE 'Add' END AS action, f16.x AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.userIds') AS v) AS a13
  CROSS JOIN LATERAL (SELECT COALESCE(json_extract(a13.v, '$.items'), a13.v) AS v) AS a14
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a14.v) IS NOT NULL THEN CAST(a14.v AS ARRAY(JSON)) WHEN a14.v IS NULL OR json_format(a14.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a14.v] END)) AS i15(x)
  CROSS JOIN UNNEST(ARRAY[json_extract_scalar(i15.x, '$'), COALESCE(json_extract_scalar(i15.x, '$.userId'), json_extract_scalar(i15.x, '$.UserId')), CASE WHEN COALESCE(json_extract_scalar(i15.x, '$.group'), json_extract_scalar(i15.x, '$.Group')) IS NOT NULL THEN CASE WHEN lower(COALESCE(json_extract_scalar(i15.x, '$.group'), json_extract_scalar(i15.x, '$.Group'))) = 'all' THEN 'all' ELSE 'group:' || COALESCE(json_extract_scalar(i15.x, '$.group'), json_extract_scalar(i15.x, '$.Group')) END END, COALESCE(json_extract_scalar(i15.x, '$.organizationArn'), json_extract_scalar(i15.x, '$.OrganizationArn')), COALESCE(json_extract_scalar(i15.x, '$.organizationalUnitArn'), json_extract_scalar(i15.x, '$.OrganizationalUnitArn'))]) AS f16(x)
  WHERE b.eventname = 'ModifySnapshotAttribute'
    AND (b.eventsource IS NULL OR b.eventsource IN ('ec2.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND (COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')) IS NULL OR lower(replace(COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')), '_', '')) = 'createvolumepermission')
    AND json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$') IS NOT NULL
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Snapshot' AS category, 'EbsSnapshot' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.snapshotId'), '$') AS resourceid,
    CASE WHEN lower(replace(json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$'), '_', '')) = 'remove' THEN 'Remove' ELSE 'Add' END AS action, f20.x AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.userGroup') AS v) AS a17
  CROSS JOIN LATERAL (SELECT COALESCE(json_extract(a17.v, '$.items'), a17.v) AS v) AS a18
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a18.v) IS NOT NULL THEN CAST(a18.v AS ARRAY(JSON)) WHEN a18.v IS NULL OR json_format(a18.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a18.v] END)) AS i19(x)
  CROSS JOIN UNNEST(ARRAY[CASE WHEN json_extract_scalar(i19.x, '$') IS NOT NULL THEN CASE WHEN lower(json_extract_scalar(i19.x, '$')) = 'all' THEN 'all' ELSE 'group:' || json_extract_scalar(i19.x, '$') END END, COALESCE(json_extract_scalar(i19.x, '$.userId'), json_extract_scalar(i19.x, '$.UserId')), CASE WHEN COALESCE(json_extract_scalar(i19.x, '$.group'), json_extract_scalar(i19.x, '$.Group')) IS NOT NULL THEN CASE WHEN lower(COALESCE(json_extract_scalar(i19.x, '$.group'), json_extract_scalar(i19.x, '$.Group'))) = 'all' THEN 'all' ELSE 'group:' || COALESCE(json_extract_scalar(i19.x, '$.group'), json_extract_scalar(i19.x, '$.Group')) END END, COALESCE(json_extract_scalar(i19.x, '$.organizationArn'), json_extract_scalar(i19.x, '$.OrganizationArn')), COALESCE(json_extract_scalar(i19.x, '$.organizationalUnitArn'), json_extract_scalar(i19.x, '$.OrganizationalUnitArn'))]) AS f20(x)
  WHERE b.eventname = 'ModifySnapshotAttribute'
    AND (b.eventsource IS NULL OR b.eventsource IN ('ec2.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND (COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')) IS NULL OR lower(replace(COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')), '_', '')) = 'createvolumepermission')
    AND json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$') IS NOT NULL
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Snapshot' AS category, 'EbsSnapshot' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.snapshotId'), '$') AS resourceid,
    CASE WHEN lower(replace(json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$'), '_', '')) = 'remove' THEN 'Remove' ELSE 'Add' END AS action, f24.x AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.userGroups') AS v) AS a21
  CROSS JOIN LATERAL (SELECT COALESCE(json_extract(a21.v, '$.items'), a21.v) AS v) AS a22
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a22.v) IS NOT NULL THEN CAST(a22.v AS ARRAY(JSON)) WHEN a22.v IS NULL OR json_format(a22.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a22.v] END)) AS i23(x)
  CROSS JOIN UNNEST(ARRAY[CASE WHEN json_extract_scalar(i23.x, '$') IS NOT NULL THEN CASE WHEN lower(json_extract_scalar(i23.x, '$')) = 'all' THEN 'all' ELSE 'group:' || json_extract_scalar(i23.x, '$') END END, COALESCE(json_extract_scalar(i23.x, '$.userId'), json_extract_scalar(i23.x, '$.UserId')), CASE WHEN COALESCE(json_extract_scalar(i23.x, '$.group'), json_extract_scalar(i23.x, '$.Group')) IS NOT NULL THEN CASE WHEN lower(COALESCE(json_extract_scalar(i23.x, '$.group'), json_extract_scalar(i23.x, '$.Group'))) = 'all' THEN 'all' ELSE 'group:' || COALESCE(json_extract_scalar(i23.x, '$.group'), json_extract_scalar(i23.x, '$.Group')) END END, COALESCE(json_extract_scalar(i23.x, '$.organizationArn'), json_extract_scalar(i23.x, '$.OrganizationArn')), COALESCE(json_extract_scalar(i23.x, '$.organizationalUnitArn'), json_extract_scalar(i23.x, '$.OrganizationalUnitArn'))]) AS f24(x)
  WHERE b.eventname = 'ModifySnapshotAttribute'
    AND (b.eventsource IS NULL OR b.eventsource IN ('ec2.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND (COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')) IS NULL OR lower(replace(COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')), '_', '')) = 'createvolumepermission')
    AND json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$') IS NOT NULL
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Snapshot' AS category, 'EbsSnapshot' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.snapshotId'), '$') AS resourceid,
    CASE WHEN lower(replace(json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$'), '_', '')) = 'remove' THEN 'Remove' ELSE 'Add' END AS action, f28.x AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.groupName') AS v) AS a25
  CROSS JOIN LATERAL (SELECT COALESCE(json_extract(a25.v, '$.items'), a25.v) AS v) AS a26
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a26.v) IS NOT NULL THEN CAST(a26.v AS ARRAY(JSON)) WHEN a26.v IS NULL OR json_format(a26.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a26.v] END)) AS i27(x)
  CROSS JOIN UNNEST(ARRAY[CASE WHEN json_extract_scalar(i27.x, '$') IS NOT NULL THEN CASE WHEN lower(json_extract_scalar(i27.x, '$')) = 'all' THEN 'all' ELSE 'group:' || json_extract_scalar(i27.x, '$') END END, COALESCE(json_extract_scalar(i27.x, '$.userId'), json_extract_scalar(i27.x, '$.UserId')), CASE WHEN COALESCE(json_extract_scalar(i27.x, '$.group'), json_extract_scalar(i27.x, '$.Group')) IS NOT NULL THEN CASE WHEN lower(COALESCE(json_extract_scalar(i27.x, '$.group'), json_extract_scalar(i27.x, '$.Group'))) = 'all' THEN 'all' ELSE 'group:' || COALESCE(json_extract_scalar(i27.x, '$.group'), json_extract_scalar(i27.x, '$.Group')) END END, COALESCE(json_extract_scalar(i27.x, '$.organizationArn'), json_extract_scalar(i27.x, '$.OrganizationArn')), COALESCE(json_extract_scalar(i27.x, '$.organizationalUnitArn'), json_extract_scalar(i27.x, '$.OrganizationalUnitArn'))]) AS f28(x)
  WHERE b.eventname = 'ModifySnapshotAttribute'
    AND (b.eventsource IS NULL OR b.eventsource IN ('ec2.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND (COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')) IS NULL OR lower(replace(COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')), '_', '')) = 'createvolumepermission')
    AND json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$') IS NOT NULL
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Snapshot' AS category, 'EbsSnapshot' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.snapshotId'), '$') AS resourceid,
    CASE WHEN lower(replace(json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$'), '_', '')) = 'remove' THEN 'Remove' ELSE 'Add' END AS action, f32.x AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.organizationArn') AS v) AS a29
  CROSS JOIN LATERAL (SELECT COALESCE(json_extract(a29.v, '$.items'), a29.v) AS v) AS a30
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a30.v) IS NOT NULL THEN CAST(a30.v AS ARRAY(JSON)) WHEN a30.v IS NULL OR json_format(a30.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a30.v] END)) AS i31(x)
  CROSS JOIN UNNEST(ARRAY[json_extract_scalar(i31.x, '$'), COALESCE(json_extract_scalar(i31.x, '$.userId'), json_extract_scalar(i31.x, '$.UserId')), CASE WHEN COALESCE(json_extract_scalar(i31.x, '$.group'), json_extract_scalar(i31.x, '$.Group')) IS NOT NULL THEN CASE WHEN lower(COALESCE(json_extract_scalar(i31.x, '$.group'), json_extract_scalar(i31.x, '$.Group'))) = 'all' THEN 'all' ELSE 'group:' || COALESCE(json_extract_scalar(i31.x, '$.group'), json_extract_scalar(i31.x, '$.Group')) END END, COALESCE(json_extract_scalar(i31.x, '$.organizationArn'), json_extract_scalar(i31.x, '$.OrganizationArn')), COALESCE(json_extract_scalar(i31.x, '$.organizationalUnitArn'), json_extract_scalar(i31.x, '$.OrganizationalUnitArn'))]) AS f32(x)
  WHERE b.eventname = 'ModifySnapshotAttribute'
    AND (b.eventsource IS NULL OR b.eventsource IN ('ec2.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND (COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')) IS NULL OR lower(replace(COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')), '_', '')) = 'createvolumepermission')
    AND json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$') IS NOT NULL
  UNION ALL
  SELECT b.eventid, b.eventtime, b.eventname, b.eventsource, b.awsregion, b.errorcode, b.invokedby, b.actor,
    COALESCE(CAST(NULL AS VARCHAR), b.recipientaccountid, b.identityaccount) AS owneraccount,
    'Snapshot' AS category, 'EbsSnapshot' AS resourcetype, json_extract_scalar(json_extract(b.requestparameters, '$.snapshotId'), '$') AS resourceid,
    CASE WHEN lower(replace(json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$'), '_', '')) = 'remove' THEN 'Remove' ELSE 'Add' END AS action, f36.x AS grantee, CAST(NULL AS VARCHAR) AS granteetypehint, CAST(NULL AS VARCHAR) AS permission, CAST(NULL AS VARCHAR) AS note,
    CAST(NULL AS VARCHAR) AS grp, CAST(NULL AS INTEGER) AS rnk, CAST(NULL AS VARCHAR) AS entry, FALSE AS wildcard
  FROM base b
  CROSS JOIN LATERAL (SELECT json_extract(b.requestparameters, '$.organizationalUnitArn') AS v) AS a33
  CROSS JOIN LATERAL (SELECT COALESCE(json_extract(a33.v, '$.items'), a33.v) AS v) AS a34
  CROSS JOIN UNNEST((CASE WHEN json_array_length(a34.v) IS NOT NULL THEN CAST(a34.v AS ARRAY(JSON)) WHEN a34.v IS NULL OR json_format(a34.v) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[a34.v] END)) AS i35(x)
  CROSS JOIN UNNEST(ARRAY[json_extract_scalar(i35.x, '$'), COALESCE(json_extract_scalar(i35.x, '$.userId'), json_extract_scalar(i35.x, '$.UserId')), CASE WHEN COALESCE(json_extract_scalar(i35.x, '$.group'), json_extract_scalar(i35.x, '$.Group')) IS NOT NULL THEN CASE WHEN lower(COALESCE(json_extract_scalar(i35.x, '$.group'), json_extract_scalar(i35.x, '$.Group'))) = 'all' THEN 'all' ELSE 'group:' || COALESCE(json_extract_scalar(i35.x, '$.group'), json_extract_scalar(i35.x, '$.Group')) END END, COALESCE(json_extract_scalar(i35.x, '$.organizationArn'), json_extract_scalar(i35.x, '$.OrganizationArn')), COALESCE(json_extract_scalar(i35.x, '$.organizationalUnitArn'), json_extract_scalar(i35.x, '$.OrganizationalUnitArn'))]) AS f36(x)
  WHERE b.eventname = 'ModifySnapshotAttribute'
    AND (b.eventsource IS NULL OR b.eventsource IN ('ec2.amazonaws.com'))
    AND COALESCE(ltrim(b.requestparameters) LIKE '{%', FALSE)
    AND (COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')) IS NULL OR lower(replace(COALESCE(json_extract_scalar(json_extract(b.requestparameters, '$.attributeType'), '$'), json_extract_scalar(json_extract(b.requestparameters, '$.attribute'), '$')), '_', '')) = 'createvolumepermission')
    AND json_extract_scalar(json_extract(b.requestparameters, '$.operationType'), '$') IS NOT NULL
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
