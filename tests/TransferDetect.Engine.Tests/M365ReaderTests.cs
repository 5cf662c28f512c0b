using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.M365;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// Builds Unified Audit Log records in the documented shapes (Management Activity API common and
/// SharePoint Sharing schemas) and wraps them as Search-UnifiedAuditLog output and Purview CSV rows.
/// </summary>
internal static class M365Json
{
    public const string Tenant = "b86ab9d4-fcf1-4b11-8a06-7a8f91b47fbd";
    public const string OneDriveDoc = "https://contoso-my.sharepoint.com/personal/alice_contoso_com/Documents/Plan.docx";
    public const string TeamFile = "https://contoso.sharepoint.com/sites/Finance/Shared Documents/Budget.xlsx";
    private static int _ids;

    public static string NewId() => $"00000000-0000-4000-8000-{Interlocked.Increment(ref _ids):D12}";

    public static JsonObject Record(string operation, string objectId = OneDriveDoc, string? target = null, string? targetType = null,
        string? eventData = null, string itemType = "File", string correlationId = "fe71359f-005f-9000-7cb1-ccf5124703db",
        string time = "2024-08-01T12:00:00", string clientIp = "198.51.100.20", string? resultStatus = null, string? id = null)
    {
        bool oneDrive = objectId.Contains("-my.sharepoint.com", StringComparison.Ordinal);
        var r = new JsonObject
        {
            ["CreationTime"] = time,
            ["Id"] = id ?? NewId(),
            ["Operation"] = operation,
            ["OrganizationId"] = Tenant,
            ["RecordType"] = 14,
            ["UserKey"] = "i:0h.f|membership|1003200096971f55@live.com",
            ["UserType"] = 0,
            ["Version"] = 1,
            ["Workload"] = oneDrive ? "OneDrive" : "SharePoint",
            ["ClientIP"] = clientIp,
            ["ObjectId"] = objectId,
            ["UserId"] = "alice@contoso.com",
            ["CorrelationId"] = correlationId,
            ["EventSource"] = "SharePoint",
            ["ItemType"] = itemType,
            ["Site"] = "d5180cfc-3479-44d6-b410-8c985ac894e3",
            ["UserAgent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/125.0",
            ["SiteUrl"] = oneDrive ? "https://contoso-my.sharepoint.com/personal/alice_contoso_com" : "https://contoso.sharepoint.com/sites/Finance",
            ["SourceFileName"] = objectId.Substring(objectId.LastIndexOf('/') + 1),
        };
        if (target != null) r["TargetUserOrGroupName"] = target;
        if (targetType != null) r["TargetUserOrGroupType"] = targetType;
        if (eventData != null) r["EventData"] = eventData;
        if (resultStatus != null) r["ResultStatus"] = resultStatus;
        return r;
    }

    /// <summary>A SharingPolicyChanged record with one ModifiedProperties entry per (name, old, new).</summary>
    public static JsonObject Policy(params (string Name, string Old, string New)[] changes)
    {
        var r = Record("SharingPolicyChanged", objectId: "https://contoso-admin.sharepoint.com", itemType: "Tenant");
        r.Remove("SourceFileName");
        r["RecordType"] = 4;
        r["ModifiedProperties"] = new JsonArray(changes.Select(c => (JsonNode)new JsonObject { ["Name"] = c.Name, ["NewValue"] = c.New, ["OldValue"] = c.Old }).ToArray());
        return r;
    }

    public static string Lines(params JsonObject[] records) => string.Join("\n", records.Select(r => r.ToJsonString())) + "\n";

    public static string Array(params JsonObject[] records) => new JsonArray(records.Select(r => (JsonNode)r.DeepClone()).ToArray()).ToJsonString();

    /// <summary>Search-UnifiedAuditLog | ConvertTo-Json (Windows PowerShell: dates as /Date(ms)/, RecordType as its number).</summary>
    public static string SearchUnifiedAuditLog(params JsonObject[] records)
    {
        var rows = new JsonArray();
        int i = 0;
        foreach (var r in records)
        {
            var time = DateTime.SpecifyKind(DateTime.Parse((string)r["CreationTime"]!, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
            long ms = (long)(time - DateTime.UnixEpoch).TotalMilliseconds;
            rows.Add(new JsonObject
            {
                ["RunspaceId"] = "a0b1c2d3-0000-0000-0000-000000000001",
                ["RecordType"] = (int)r["RecordType"]!,
                ["CreationDate"] = $"/Date({ms})/",
                ["UserIds"] = (string)r["UserId"]!,
                ["Operations"] = (string)r["Operation"]!,
                ["AuditData"] = r.ToJsonString(),
                ["ResultIndex"] = ++i,
                ["ResultCount"] = records.Length,
                ["Identity"] = (string)r["Id"]!,
                ["IsValid"] = true,
                ["ObjectState"] = "Unchanged",
            });
        }
        return rows.ToJsonString();
    }

    /// <summary>The Purview audit search export: CreationDate, UserIds, Operations, AuditData (classic) or the newer column set.</summary>
    public static string PurviewCsv(bool newer, params JsonObject[] records)
    {
        var sb = new StringBuilder();
        sb.Append(newer ? "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n" : "CreationDate,UserIds,Operations,AuditData\r\n");
        foreach (var r in records)
        {
            string audit = Quote(r.ToJsonString());
            string date = DateTime.Parse((string)r["CreationTime"]!, System.Globalization.CultureInfo.InvariantCulture).ToString(newer ? "yyyy-MM-ddTHH:mm:ss.0000000Z" : "M/d/yyyy h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture);
            if (newer) sb.Append($"{r["Id"]},{date},SharePointSharingOperation,{r["Operation"]},{r["UserId"]},{audit},,\r\n");
            else sb.Append($"{date},{r["UserId"]},{r["Operation"]},{audit}\r\n");
        }
        return sb.ToString();
    }

    public static string Quote(string field) => "\"" + field.Replace("\"", "\"\"") + "\"";

    public static (List<ShareEvent> Events, CollectingScanHost Host, ShareLogReader Reader) Read(string text, ShareLogReaderOptions? options = null) =>
        CloudTrailJson.Read(text, options);
}

/// <summary>The three export shapes of the Unified Audit Log, the claim, and bad input.</summary>
public class M365ReaderTests
{
    [Fact]
    public void Management_api_json_lines_record_gives_an_event_with_every_field()
    {
        var r = M365Json.Record("AnonymousLinkCreated", eventData: "<Type>Edit</Type>", id: "1cb54d72-3a76-4a7c-7b3d-08d7b17b4ec9");
        var (events, host, reader) = M365Json.Read(M365Json.Lines(r));

        Assert.Empty(host.Issues);
        var e = Assert.Single(events);
        Assert.Equal("1cb54d72-3a76-4a7c-7b3d-08d7b17b4ec9", e.EventId);
        Assert.Equal(Provider.M365, e.Provider);
        Assert.Equal("AnonymousLinkCreated", e.Operation);
        Assert.Equal("OneDrive", e.EventSource);
        Assert.Equal(new DateTime(2024, 8, 1, 12, 0, 0, DateTimeKind.Utc), e.EventTime);
        Assert.Equal(DateTimeKind.Utc, e.EventTime.Kind);
        Assert.Equal("alice@contoso.com", e.Actor);
        Assert.Equal("198.51.100.20", e.SourceIp);
        Assert.Equal("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/125.0", e.UserAgent);
        Assert.Equal(M365Json.Tenant, e.AccountId);
        Assert.Equal(M365Json.Tenant, e.TenantId);
        Assert.Equal(ShareCategory.File, e.Category);
        Assert.Equal("OneDriveFile", e.ResourceType);
        Assert.Equal(M365Json.OneDriveDoc, e.ResourceId);
        Assert.Equal(ShareAction.Add, e.Action);
        Assert.Equal("Anyone", e.Grantee);
        Assert.Equal(GranteeType.AnonymousLink, e.GranteeType);
        Assert.Equal("Edit", e.Permission);
        Assert.Equal("fe71359f-005f-9000-7cb1-ccf5124703db", e.CorrelationId);
        Assert.True(e.Succeeded);
        Assert.Equal(1, e.Source!.Line);
        Assert.Equal(1, reader.Statistics.CandidateRecords);
    }

    [Fact]
    public void Management_api_array_of_records_is_read()
    {
        var (events, host, _) = M365Json.Read(M365Json.Array(
            M365Json.Record("FileAccessed"),
            M365Json.Record("SharingInvitationCreated", target: "bob@fabrikam.com", targetType: "Guest")));
        Assert.Empty(host.Issues);
        var e = Assert.Single(events);
        Assert.Equal("bob@fabrikam.com", e.Grantee);
        Assert.Equal(GranteeType.User, e.GranteeType);
    }

    [Fact]
    public void Search_UnifiedAuditLog_json_is_read_from_its_AuditData_string()
    {
        var r = M365Json.Record("AddedToSecureLink", objectId: M365Json.TeamFile, target: "bob@fabrikam.com", targetType: "Guest",
            eventData: "<Type>View</Type>", time: "2021-11-15T13:17:04");
        var (events, host, _) = M365Json.Read(M365Json.SearchUnifiedAuditLog(M365Json.Record("FileAccessed"), r));

        Assert.Empty(host.Issues);
        var e = Assert.Single(events);
        Assert.Equal((string)r["Id"]!, e.EventId);
        Assert.Equal(new DateTime(2021, 11, 15, 13, 17, 4, DateTimeKind.Utc), e.EventTime);
        Assert.Equal("SharePointFile", e.ResourceType);
        Assert.Equal(M365Json.TeamFile, e.ResourceId);
        Assert.Equal("bob@fabrikam.com", e.Grantee);
        Assert.Equal("View", e.Permission);
        Assert.Equal(2, e.Source!.Record);
    }

    [Fact]
    public void Search_UnifiedAuditLog_columns_stand_in_for_what_AuditData_lacks()
    {
        var r = M365Json.Record("AnonymousLinkCreated", time: "2021-11-15T13:17:04");
        string text = M365Json.SearchUnifiedAuditLog(r);
        r.Remove("CreationTime");
        r.Remove("UserId");
        r.Remove("Id");
        var rows = JsonNode.Parse(text)!.AsArray();
        rows[0]!["AuditData"] = r.ToJsonString();

        var (events, host, _) = M365Json.Read(rows.ToJsonString());
        Assert.Empty(host.Issues);
        var e = Assert.Single(events);
        Assert.Equal(new DateTime(2021, 11, 15, 13, 17, 4, DateTimeKind.Utc), e.EventTime); // from /Date(ms)/
        Assert.Equal("alice@contoso.com", e.Actor); // from UserIds
        Assert.Equal((string)rows[0]!["Identity"]!, e.EventId); // from Identity
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Purview_csv_export_is_read_from_its_AuditData_column(bool newerColumns)
    {
        var share = M365Json.Record("SharingSet", target: "carol_fabrikam.com#EXT#@contoso.onmicrosoft.com", targetType: "Guest",
            eventData: "<Permissions granted>Contribute</Permissions granted>", time: "2024-03-05T17:45:10");
        string csv = M365Json.PurviewCsv(newerColumns, M365Json.Record("FileAccessed"), share, M365Json.Record("FilePreviewed"));

        var (events, host, reader) = M365Json.Read(csv);
        Assert.Empty(host.Issues);
        Assert.Equal(3, reader.Statistics.Records);
        var e = Assert.Single(events);
        Assert.Equal((string)share["Id"]!, e.EventId);
        Assert.Equal(new DateTime(2024, 3, 5, 17, 45, 10, DateTimeKind.Utc), e.EventTime);
        Assert.Equal("carol_fabrikam.com#EXT#@contoso.onmicrosoft.com", e.Grantee);
        Assert.Equal("Contribute", e.Permission);
        Assert.Equal("OneDriveFile", e.ResourceType);
        Assert.Equal(3, e.Source!.Line);
    }

    [Fact]
    public void Purview_csv_row_whose_AuditData_lacks_the_time_takes_the_CreationDate_column()
    {
        var share = M365Json.Record("AnonymousLinkCreated", time: "2024-03-05T17:45:10");
        string csv = M365Json.PurviewCsv(true, share).Replace("\"\"CreationTime\"\":\"\"2024-03-05T17:45:10\"\",", "");
        var (events, host, _) = M365Json.Read(csv);
        Assert.Empty(host.Issues);
        Assert.Equal(new DateTime(2024, 3, 5, 17, 45, 10, DateTimeKind.Utc), Assert.Single(events).EventTime);
    }

    [Fact]
    public void AuditData_already_expanded_into_an_object_is_read()
    {
        var r = M365Json.Record("SharingInvitationCreated", target: "bob@fabrikam.com", targetType: "Guest");
        var row = new JsonObject { ["CreationDate"] = "2024-08-01T12:00:00", ["UserIds"] = "alice@contoso.com", ["Operations"] = "SharingInvitationCreated", ["AuditData"] = r.DeepClone() };
        var (events, host, _) = M365Json.Read(M365Json.Lines(row));
        Assert.Empty(host.Issues);
        Assert.Equal((string)r["Id"]!, Assert.Single(events).EventId);
    }

    [Fact]
    public void Invalid_AuditData_is_one_invalid_record_issue_and_the_other_rows_are_read()
    {
        string csv = "CreationDate,UserIds,Operations,AuditData\r\n" +
            "2024-08-01T12:00:00,alice@contoso.com,AnonymousLinkCreated,\"{\"\"Id\"\":\"\"x\"\", broken\"\r\n" +
            $"2024-08-01T12:00:00,alice@contoso.com,AnonymousLinkCreated,{M365Json.Quote(M365Json.Record("AnonymousLinkCreated").ToJsonString())}\r\n";
        var (events, host, reader) = M365Json.Read(csv);

        Assert.Single(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.InvalidRecord, issue.Kind);
        Assert.Equal(2, issue.Line);
        Assert.Contains("AuditData of the AnonymousLinkCreated record is not valid JSON", issue.Detail);
        Assert.Equal(1, reader.Statistics.InvalidRecords);
    }

    [Fact]
    public void AuditData_with_text_that_is_not_utf8_is_one_issue_and_the_next_record_is_read()
    {
        var bad = M365Json.Record("AnonymousLinkCreated");
        string row = new JsonObject { ["CreationDate"] = "2024-08-01T12:00:00", ["UserIds"] = "alice@contoso.com", ["Operations"] = "AnonymousLinkCreated", ["AuditData"] = bad.ToJsonString().Replace("Plan.docx", "PLACEHOLDER") }.ToJsonString();
        var bytes = new List<byte>();
        int cut = row.IndexOf("PLACEHOLDER", StringComparison.Ordinal);
        bytes.AddRange(Encoding.UTF8.GetBytes(row.Substring(0, cut)));
        bytes.AddRange(new byte[] { 0xC3, 0x28 }); // an invalid two-byte sequence
        bytes.AddRange(Encoding.UTF8.GetBytes(row.Substring(cut + "PLACEHOLDER".Length) + "\n" + M365Json.Lines(M365Json.Record("AnonymousLinkCreated"))));
        var (events, host, _) = CloudTrailJson.Read(bytes.ToArray());

        Assert.Single(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.InvalidRecord, issue.Kind);
        Assert.Equal(1, issue.Line);
    }

    [Fact]
    public void Broken_line_between_audit_records_is_one_issue_and_the_others_are_read()
    {
        string text = M365Json.Record("AnonymousLinkCreated").ToJsonString() + "\n{\"CreationTime\":\"2024-08-01T12:00:00\",\"Operation\":\"SharingSet\",\n" +
            M365Json.Record("AnonymousLinkUsed").ToJsonString() + "\n";
        var (events, host, _) = M365Json.Read(text);
        Assert.Equal(new[] { "AnonymousLinkCreated", "AnonymousLinkUsed" }, events.Select(e => e.Operation));
        Assert.Single(host.Issues);
    }

    [Fact]
    public void AuditData_that_is_json_but_not_an_object_is_reported()
    {
        string json = "[{\"CreationDate\":\"2024-08-01T12:00:00\",\"UserIds\":\"alice@contoso.com\",\"Operations\":\"SharingSet\",\"AuditData\":\"[1,2]\",\"Identity\":\"id-7\"}]";
        var (events, host, _) = M365Json.Read(json);
        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.InvalidRecord, issue.Kind);
        Assert.Contains("(Id id-7) is JSON but not an object", issue.Detail);
    }

    [Fact]
    public void Share_row_with_an_empty_AuditData_is_incomplete()
    {
        string csv = "CreationDate,UserIds,Operations,AuditData\r\n2024-08-01T12:00:00,alice@contoso.com,AnonymousLinkCreated,\r\n";
        var (events, host, reader) = M365Json.Read(csv);
        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.IncompleteRecord, issue.Kind);
        Assert.Contains("AnonymousLinkCreated row has no AuditData", issue.Detail);
        Assert.Equal(1, reader.Statistics.InvalidRecords);
    }

    [Fact]
    public void Row_of_another_operation_with_an_empty_AuditData_is_no_problem()
    {
        string csv = "CreationDate,UserIds,Operations,AuditData\r\n2024-08-01T12:00:00,alice@contoso.com,SharingInheritanceBroken,\r\n";
        var (events, host, _) = M365Json.Read(csv);
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Sharing_record_without_a_target_is_incomplete_and_the_next_is_read()
    {
        var (events, host, _) = M365Json.Read(M365Json.Lines(
            M365Json.Record("SharingInvitationCreated"),
            M365Json.Record("SharingInvitationCreated", target: "bob@fabrikam.com", targetType: "Guest")));
        Assert.Single(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.IncompleteRecord, issue.Kind);
        Assert.Equal(1, issue.Line);
        Assert.Contains("names no TargetUserOrGroupName", issue.Detail);
    }

    [Fact]
    public void Record_without_a_readable_time_is_reported_and_kept_with_the_minimum_date()
    {
        var r = M365Json.Record("AnonymousLinkCreated", time: "not a time");
        var (events, host, _) = M365Json.Read(M365Json.Lines(r));
        Assert.Equal(ShareTimes.Unknown, Assert.Single(events).EventTime);
        Assert.Contains(host.Issues, i => i.Kind == ReadIssueKind.IncompleteRecord && i.Detail.Contains("has no readable time", StringComparison.Ordinal));
    }

    [Fact]
    public void Sentinel_OfficeActivity_row_is_read_with_its_own_column_names()
    {
        var row = new JsonObject
        {
            ["TenantId"] = "11111111-2222-3333-4444-555555555555",
            ["TimeGenerated"] = "2024-08-01T12:00:00Z",
            ["Operation"] = "AnonymousLinkCreated",
            ["RecordType"] = "14",
            ["OrganizationId"] = M365Json.Tenant,
            ["UserId"] = "alice@contoso.com",
            ["OfficeWorkload"] = "SharePoint",
            ["OfficeObjectId"] = M365Json.TeamFile,
            ["Site_Url"] = "https://contoso.sharepoint.com/sites/Finance",
            ["ItemType"] = "File",
            ["ClientIP"] = "198.51.100.20",
            ["Event_Data"] = "<Type>View</Type>",
            ["OfficeId"] = "699e0b10-1c53-403e-976f-ce0847a92b44",
            ["Type"] = "OfficeActivity",
        };
        var (events, host, _) = M365Json.Read(M365Json.Lines(row));
        Assert.Empty(host.Issues);
        var e = Assert.Single(events);
        Assert.Equal("699e0b10-1c53-403e-976f-ce0847a92b44", e.EventId);
        Assert.Equal(new DateTime(2024, 8, 1, 12, 0, 0, DateTimeKind.Utc), e.EventTime);
        Assert.Equal(M365Json.TeamFile, e.ResourceId);
        Assert.Equal("SharePointFile", e.ResourceType);
        Assert.Equal("View", e.Permission);
        Assert.Equal("SharePoint", e.EventSource);
        Assert.Equal(M365Json.Tenant, e.AccountId);
    }

    [Fact]
    public void Client_ip_with_a_port_gives_the_address()
    {
        var (events, _, _) = M365Json.Read(M365Json.Lines(
            M365Json.Record("AnonymousLinkUsed", clientIp: "104.28.196.199:28491"),
            M365Json.Record("AnonymousLinkUsed", clientIp: "[2a09:bac5:111:105::1a:89]:25138"),
            M365Json.Record("AnonymousLinkUsed", clientIp: "2a09:bac1:820:8::1a:9c")));
        Assert.Equal(new[] { "104.28.196.199", "2a09:bac5:111:105::1a:89", "2a09:bac1:820:8::1a:9c" }, events.Select(e => e.SourceIp));
    }

    [Theory]
    [InlineData("https://contoso-my.sharepoint.com/personal/alice_contoso_com/Documents/a.docx", "File", "OneDriveFile")]
    [InlineData("https://contoso-my.sharepoint.com/personal/alice_contoso_com/Documents/Projects", "Folder", "OneDriveFolder")]
    [InlineData("https://contoso.sharepoint.com/sites/Finance/Shared Documents/Q3", "Folder", "SharePointFolder")]
    [InlineData("https://contoso.sharepoint.com/sites/Finance", "Web", "SharePointSite")]
    [InlineData("https://contoso.sharepoint.com/sites/Finance/Lists/Contacts", "List", "SharePointList")]
    [InlineData("https://contoso.sharepoint.com/sites/Finance/Shared Documents/b.pdf", "", "SharePointFile")]
    public void Resource_type_comes_from_ItemType_and_the_url(string url, string itemType, string expected)
    {
        var r = M365Json.Record("AnonymousLinkCreated", objectId: url, itemType: itemType);
        if (itemType.Length == 0) r.Remove("ItemType");
        var (events, _, _) = M365Json.Read(M365Json.Lines(r));
        Assert.Equal(expected, Assert.Single(events).ResourceType);
    }

    [Fact]
    public void Claim_skips_audit_records_of_other_operations_without_parsing()
    {
        var m365 = new M365AuditInterpreter(null);
        foreach (var op in new[] { "FileAccessed", "UserLoggedIn", "Set-Mailbox", "AddedToGroup", "MailItemsAccessed" })
        {
            Assert.Equal(RecordClaim.Skip, m365.Claim(Encoding.UTF8.GetBytes(M365Json.Record(op, objectId: M365Json.TeamFile).ToJsonString())));
        }
    }

    [Fact]
    public void Claim_never_skips_a_sharing_operation_in_any_shape_or_case()
    {
        var m365 = new M365AuditInterpreter(null);
        foreach (var op in M365Operations.All.Select(o => o.Name))
        {
            foreach (var name in new[] { op, op.ToLowerInvariant(), op.ToUpperInvariant() })
            {
                var r = M365Json.Record(name, objectId: M365Json.TeamFile, target: "bob@fabrikam.com", targetType: "Guest");
                Assert.Equal(RecordClaim.Candidate, m365.Claim(Encoding.UTF8.GetBytes(M365Json.Lines(r))));
                Assert.Equal(RecordClaim.Candidate, m365.Claim(Encoding.UTF8.GetBytes(M365Json.SearchUnifiedAuditLog(r).Trim('[', ']'))));
                // The operation only inside the AuditData string (the column names another).
                var row = JsonNode.Parse(M365Json.SearchUnifiedAuditLog(r))!.AsArray()[0]!;
                row["Operations"] = "FileAccessed";
                Assert.Equal(RecordClaim.Candidate, m365.Claim(Encoding.UTF8.GetBytes(row.ToJsonString())));
            }
        }
    }

    [Fact]
    public void Claim_is_a_candidate_when_a_letter_of_the_record_is_escaped()
    {
        var m365 = new M365AuditInterpreter(null);
        string json = "{\"CreationTime\":\"2024-08-01T12:00:00\",\"Operation\":\"\\u0041nonymousLinkCreated\",\"Workload\":\"OneDrive\"}";
        Assert.Equal(RecordClaim.Candidate, m365.Claim(Encoding.UTF8.GetBytes(json)));
        var (events, _, _) = M365Json.Read(json);
        Assert.Equal("AnonymousLinkCreated", Assert.Single(events).Operation);
        // EventData's escaped angle brackets are not letters.
        string other = "{\"CreationTime\":\"2024-08-01T12:00:00\",\"Operation\":\"AddedToGroup\",\"Workload\":\"SharePoint\",\"EventData\":\"\\u003cGroup\\u003eSite Members\\u003c/Group\\u003e\"}";
        Assert.Equal(RecordClaim.Skip, m365.Claim(Encoding.UTF8.GetBytes(other)));
    }

    [Fact]
    public void Claim_leaves_records_without_audit_keys_to_others()
    {
        var m365 = new M365AuditInterpreter(null);
        Assert.Equal(RecordClaim.NotMine, m365.Claim("{\"eventName\":\"ModifySnapshotAttribute\",\"eventSource\":\"ec2.amazonaws.com\"}"u8));
        Assert.Equal(RecordClaim.NotMine, m365.Claim("{\"Operation\":\"SharingSet\"}"u8));
        Assert.Equal(RecordClaim.NotMine, m365.Claim("{\"OperationName\":\"Microsoft.Storage/storageAccounts/write\",\"TimeGenerated\":\"2024-08-01T12:00:00Z\"}"u8));
    }

    [Fact]
    public void Operations_are_narrowed_to_the_categories_asked()
    {
        var all = ShareLogReader.OperationsOf(new[] { Provider.M365 }, null);
        Assert.Equal(15, all.Count);
        Assert.Contains("AnonymousLinkUsed", all);
        Assert.Equal(new[] { "SharingPolicyChanged" }, ShareLogReader.OperationsOf(new[] { Provider.M365 }, new[] { ShareCategory.Guardrail }));
        Assert.DoesNotContain("SharingPolicyChanged", ShareLogReader.OperationsOf(new[] { Provider.M365 }, new[] { ShareCategory.File }));
    }

    [Fact]
    public void Categories_not_asked_give_no_events()
    {
        string text = M365Json.Lines(
            M365Json.Record("AnonymousLinkCreated"),
            M365Json.Policy(("SharingCapability", "ExternalUserSharingOnly", "ExternalUserAndGuestSharing")));
        var (files, _, _) = M365Json.Read(text, new ShareLogReaderOptions { Categories = new[] { ShareCategory.File } });
        var (guardrails, _, _) = M365Json.Read(text, new ShareLogReaderOptions { Categories = new[] { ShareCategory.Guardrail } });
        Assert.Equal("AnonymousLinkCreated", Assert.Single(files).Operation);
        Assert.Equal("SharingPolicyChanged", Assert.Single(guardrails).Operation);
    }

    [Fact]
    public void Operation_filter_takes_any_case()
    {
        string text = M365Json.Lines(M365Json.Record("AnonymousLinkCreated"), M365Json.Record("AnonymousLinkUsed"));
        var (events, _, _) = M365Json.Read(text, new ShareLogReaderOptions { Operations = new[] { "anonymouslinkused" } });
        Assert.Equal("AnonymousLinkUsed", Assert.Single(events).Operation);
    }

    [Fact]
    public void Time_window_applies_to_audit_records()
    {
        string text = M365Json.Lines(M365Json.Record("AnonymousLinkCreated", time: "2024-01-01T00:00:00"), M365Json.Record("AnonymousLinkCreated", time: "2024-08-01T12:00:00"));
        var window = new TimeWindow(new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc), null);
        var (events, _, reader) = M365Json.Read(text, new ShareLogReaderOptions { Window = window });
        Assert.Single(events);
        Assert.Equal(1, reader.Statistics.OutsideTimeWindow);
    }
}
