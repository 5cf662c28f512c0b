using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;
using Xunit;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

public class SnapshotShareEventTests
{
    [Theory]
    [InlineData("CREATE_VOLUME_PERMISSION")]
    [InlineData("createVolumePermission")]
    public void ModifySnapshotAttribute_parses_both_spellings_of_attributeType(string attributeType)
    {
        var (events, host, _) = Read(Delivery(SnapshotShare("add", """{"userId":"444455556666"}""", attributeType)));
        var e = Assert.Single(events);
        Assert.Equal("ModifySnapshotAttribute", e.Operation);
        Assert.Equal("EbsSnapshot", e.ResourceType);
        Assert.Equal("snap-0123456789abcdef0", e.ResourceId);
        Assert.Equal(ShareAction.Add, e.Action);
        Assert.Equal("444455556666", e.Grantee);
        Assert.Equal(GranteeType.Account, e.GranteeType);
        Assert.True(e.Succeeded);
        Assert.Equal(Owner, e.AccountId);
        Assert.Equal(new DateTime(2024, 8, 1, 12, 0, 0, DateTimeKind.Utc), e.EventTime);
        Assert.Equal(DateTimeKind.Utc, e.EventTime.Kind);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void ModifySnapshotAttribute_remove_is_a_revocation()
    {
        var (events, _, _) = Read(Delivery(SnapshotShare("remove", """{"userId":"444455556666"}""")));
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
    }

    [Fact]
    public void Group_all_is_public()
    {
        var (events, _, _) = Read(Delivery(SnapshotShare("add", """{"group":"all"}""")));
        var e = Assert.Single(events);
        Assert.Equal(GranteeType.Public, e.GranteeType);
        Assert.Equal("all", e.Grantee);
    }

    [Fact]
    public void A_group_other_than_all_stays_visible_as_unknown()
    {
        var (events, _, _) = Read(Delivery(SnapshotShare("add", """{"group":"none"}""")));
        var e = Assert.Single(events);
        Assert.Equal(GranteeType.Unknown, e.GranteeType);
        Assert.Equal("group:none", e.Grantee);
    }

    [Fact]
    public void Call_with_errorCode_is_a_failed_attempt()
    {
        var (events, _, _) = Read(Delivery(SnapshotShare("add", """{"userId":"444455556666"}""", errorCode: "Client.UnauthorizedOperation")));
        var e = Assert.Single(events);
        Assert.False(e.Succeeded);
        Assert.Equal("Client.UnauthorizedOperation", e.ErrorCode);
    }

    [Fact]
    public void Attribute_changes_that_grant_nothing_are_not_share_events()
    {
        var record = Record("ModifyImageAttribute", "ec2.amazonaws.com",
            """{"imageId":"ami-1","attributeType":"description","description":{"value":"x"}}""");
        var (events, host, reader) = Read(Delivery(record));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.CandidateRecords);
    }

    [Fact]
    public void ModifyImageAttribute_reads_account_organization_and_ou_grants_in_one_record()
    {
        var record = Record("ModifyImageAttribute", "ec2.amazonaws.com", """
            {"imageId":"ami-0abc","attributeType":"launchPermission","launchPermission":{
              "add":{"items":[{"userId":"444455556666"},{"group":"all"},
                {"organizationArn":"arn:aws:organizations::999988887777:organization/o-zz9y8x7w6v"},
                {"organizationalUnitArn":"arn:aws:organizations::999988887777:ou/o-zz9y8x7w6v/ou-ab12-cdef3456"}]},
              "remove":{"items":[{"userId":"555566667777"}]}}}
            """);
        var (events, _, _) = Read(Delivery(record));
        Assert.Equal(
            new[]
            {
                (ShareAction.Add, GranteeType.Account, "444455556666"),
                (ShareAction.Add, GranteeType.Public, "all"),
                (ShareAction.Add, GranteeType.Organization, "arn:aws:organizations::999988887777:organization/o-zz9y8x7w6v"),
                (ShareAction.Add, GranteeType.OrganizationalUnit, "arn:aws:organizations::999988887777:ou/o-zz9y8x7w6v/ou-ab12-cdef3456"),
                (ShareAction.Remove, GranteeType.Account, "555566667777"),
            },
            events.Select(e => (e.Action, e.GranteeType, e.Grantee!)));
        Assert.All(events, e => Assert.Equal("Ami", e.ResourceType));
        Assert.All(events, e => Assert.Equal("ami-0abc", e.ResourceId));
        Assert.Single(events.Select(e => e.EventId).Distinct());
    }

    [Fact]
    public void OperationType_form_of_ModifySnapshotAttribute_is_read()
    {
        var record = Record("ModifySnapshotAttribute", "ec2.amazonaws.com",
            """{"snapshotId":"snap-1","attributeType":"CREATE_VOLUME_PERMISSION","operationType":"remove","userId":{"items":[{"userId":"444455556666"}]}}""");
        var (events, _, _) = Read(Delivery(record));
        var e = Assert.Single(events);
        Assert.Equal(ShareAction.Remove, e.Action);
        Assert.Equal("444455556666", e.Grantee);
    }

    [Theory]
    [InlineData("ModifyDBSnapshotAttribute", "dBSnapshotIdentifier", "RdsSnapshot")]
    [InlineData("ModifyDBClusterSnapshotAttribute", "dBClusterSnapshotIdentifier", "RdsClusterSnapshot")]
    public void Rds_restore_attribute_adds_and_removes(string operation, string idField, string resourceType)
    {
        var record = Record(operation, "rds.amazonaws.com",
            $$"""{"{{idField}}":"db-snap","attributeName":"restore","valuesToAdd":["444455556666","all"],"valuesToRemove":["555566667777"]}""");
        var (events, _, _) = Read(Delivery(record));
        Assert.Equal(
            new[] { (ShareAction.Add, "444455556666", GranteeType.Account), (ShareAction.Add, "all", GranteeType.Public), (ShareAction.Remove, "555566667777", GranteeType.Account) },
            events.Select(e => (e.Action, e.Grantee!, e.GranteeType)));
        Assert.All(events, e => Assert.Equal(resourceType, e.ResourceType));
        Assert.All(events, e => Assert.Equal("db-snap", e.ResourceId));
    }

    [Fact]
    public void Rds_attribute_other_than_restore_is_not_a_share()
    {
        var record = Record("ModifyDBSnapshotAttribute", "rds.amazonaws.com",
            """{"dBSnapshotIdentifier":"s","attributeName":"other","valuesToAdd":["444455556666"]}""");
        Assert.Empty(Read(Delivery(record)).Events);
    }

    [Fact]
    public void Redshift_authorize_and_revoke_are_told_apart()
    {
        var add = Record("AuthorizeSnapshotAccess", "redshift.amazonaws.com", """{"snapshotIdentifier":"rs-snap","accountWithRestoreAccess":"444455556666"}""");
        var remove = Record("RevokeSnapshotAccess", "redshift.amazonaws.com", """{"snapshotIdentifier":"rs-snap","accountWithRestoreAccess":"444455556666"}""");
        var (events, _, _) = Read(Delivery(add, remove));
        Assert.Equal(new[] { ShareAction.Add, ShareAction.Remove }, events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("RedshiftSnapshot", e.ResourceType));
    }

    [Fact]
    public void Same_event_name_from_another_service_is_ignored()
    {
        var record = Record("ModifySnapshotAttribute", "lightsail.amazonaws.com",
            """{"snapshotId":"snap-1","attributeType":"CREATE_VOLUME_PERMISSION","createVolumePermission":{"add":{"items":[{"userId":"444455556666"}]}}}""");
        Assert.Empty(Read(Delivery(record)).Events);
    }

    [Fact]
    public void Record_without_requestParameters_is_reported_with_its_place()
    {
        var record = SnapshotShare("add", """{"userId":"444455556666"}""");
        record.Remove("requestParameters");
        var (events, host, reader) = Read(Delivery(Background(), record));
        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.IncompleteRecord, issue.Kind);
        Assert.Equal(2, issue.Record);
        Assert.Contains("requestParameters", issue.Message);
        Assert.Contains("test.json", issue.Message);
        Assert.Equal(2, reader.Statistics.Records);
    }

    [Fact]
    public void Background_records_give_no_events_and_no_issues()
    {
        var (events, host, reader) = Read(Delivery(Background(), Background("GetObject"), Background("AssumeRole")));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(3, reader.Statistics.Records);
        Assert.Equal(0, reader.Statistics.CandidateRecords);
    }

    [Fact]
    public void LookupEvents_output_is_read_through_its_CloudTrailEvent_strings()
    {
        var share = SnapshotShare("add", """{"userId":"444455556666"}""");
        string inner = share.ToJsonString();
        string text = $$"""
            {"Events":[
              {"EventId":"{{share["eventID"]}}","EventName":"ModifySnapshotAttribute","ReadOnly":"false","EventTime":"2024-08-01T12:00:00+00:00",
               "EventSource":"ec2.amazonaws.com","Username":"alice","Resources":[],"CloudTrailEvent":{{System.Text.Json.JsonSerializer.Serialize(inner)}}},
              {"EventId":"x","EventName":"DescribeInstances","EventSource":"ec2.amazonaws.com","CloudTrailEvent":"{}"}
            ],"NextToken":"abc"}
            """;
        var (events, host, _) = Read(text);
        var e = Assert.Single(events);
        Assert.Equal("444455556666", e.Grantee);
        Assert.Equal(share["eventID"]!.GetValue<string>(), e.EventId);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Json_lines_export_with_timestamp_instead_of_eventTime_is_read()
    {
        var record = SnapshotShare("add", """{"userId":"444455556666"}""");
        record.Remove("eventTime");
        record["@timestamp"] = "2020-09-14T00:44:23.000Z";
        var (events, host, _) = Read(Lines(Background(), record));
        Assert.Equal(new DateTime(2020, 9, 14, 0, 44, 23, DateTimeKind.Utc), Assert.Single(events).EventTime);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Time_window_keeps_only_events_inside_it()
    {
        var early = SnapshotShare("add", """{"userId":"444455556666"}""");
        early["eventTime"] = "2024-07-31T23:59:59Z";
        var inside = SnapshotShare("add", """{"userId":"444455556666"}""");
        inside["eventTime"] = "2024-08-01T10:00:00Z";
        var late = SnapshotShare("add", """{"userId":"444455556666"}""");
        late["eventTime"] = "2024-08-02T00:00:01Z";
        var options = new ShareLogReaderOptions
        {
            Window = new TimeWindow(new DateTime(2024, 8, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 8, 2, 0, 0, 0, DateTimeKind.Utc)),
        };
        var (events, _, reader) = Read(Delivery(early, inside, late), options);
        Assert.Equal(inside["eventID"]!.GetValue<string>(), Assert.Single(events).EventId);
        Assert.Equal(2, reader.Statistics.OutsideTimeWindow);
    }

    [Fact]
    public void Invalid_json_record_is_reported_and_the_next_record_read()
    {
        string good = SnapshotShare("add", """{"userId":"444455556666"}""").ToJsonString();
        var (events, host, reader) = Read("{\"broken\": tru}\n" + good + "\n");
        Assert.Single(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.InvalidRecord, issue.Kind);
        Assert.Equal(1, issue.Line);
        Assert.Equal(1, reader.Statistics.InvalidRecords);
    }

    [Fact]
    public void Json_of_another_shape_is_one_issue_per_file_naming_the_first_record()
    {
        var (events, host, reader) = Read("""{"level":"info","message":"started"}""" + "\n" + """{"level":"warn"}""" + "\n");
        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.UnexpectedShape, issue.Kind);
        Assert.Contains("2 record(s)", issue.Message);
        Assert.Equal(1, issue.Line);
        Assert.Equal(2, reader.Statistics.ForeignRecords);
    }

    [Fact]
    public void Problems_beyond_the_per_file_limit_are_counted_and_summarised()
    {
        string text = string.Concat(Enumerable.Repeat("{\"bad\": nope}\n", 40));
        var (_, host, reader) = Read(text, new ShareLogReaderOptions { MaxIssuesPerFile = 5 });
        Assert.Equal(5, host.Issues.Count(i => i.Kind == ReadIssueKind.InvalidRecord));
        var more = Assert.Single(host.Issues, i => i.Kind == ReadIssueKind.MoreIssues);
        Assert.Contains("35 more", more.Message);
        Assert.Equal(40, reader.Statistics.InvalidRecords);
        Assert.Equal(40, reader.Statistics.Issues);
    }

    [Fact]
    public void Hostile_strings_are_kept_verbatim_as_data()
    {
        var record = SnapshotShare("add", """{"userId":"444455556666"}""");
        record["userAgent"] = "<script>alert(1)</script>\"\n\u0000";
        var e = Assert.Single(Read(Delivery(record)).Events);
        Assert.Equal("<script>alert(1)</script>\"\n\u0000", e.UserAgent);
    }
}
