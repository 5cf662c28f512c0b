using System.Text.Json.Nodes;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>S3 PutBucketAcl, PutBucketReplication and CopyObject.</summary>
public class AwsStorageShareTests
{
    private const string OwnerCanonical = "d25639fbe9c19cd30a4c0f43fbf00e2d3f96400a9aa8dabfbbebe1906Example";
    private const string OtherCanonical = "40cfe63d7671176f221d4f601b58ec134c9f705c7e0f51728e5fa3965f652322";

    /// <summary>The body form as CloudTrail records it (S3 documentation's PutBucketAcl example).</summary>
    private static JsonObject Acl(string grants, string? errorCode = null) =>
        Call("PutBucketAcl", "s3.amazonaws.com", $$$"""
            {"bucketName":"orders","AccessControlPolicy":{"AccessControlList":{"Grant":{{{grants}}} },
             "xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","Owner":{"ID":"{{{OwnerCanonical}}}"}},"host":["s3.us-west-2.amazonaws.com"],"acl":[""]}
            """, errorCode);

    private static string Group(string group, string permission) =>
        $$$"""{"Grantee":{"xsi:type":"Group","xmlns:xsi":"http://www.w3.org/2001/XMLSchema-instance","URI":"http://acs.amazonaws.com/groups/{{{group}}}"},"Permission":"{{{permission}}}"}""";

    private static string Canonical(string id, string permission) =>
        $$$"""{"Grantee":{"xsi:type":"CanonicalUser","xmlns:xsi":"http://www.w3.org/2001/XMLSchema-instance","ID":"{{{id}}}","DisplayName":"someone"},"Permission":"{{{permission}}}"}""";

    [Theory]
    [InlineData("global/AllUsers")]
    [InlineData("global/AuthenticatedUsers")]
    public void Acl_grant_to_a_public_group_is_critical(string group)
    {
        var events = Events(Acl($"[{Canonical(OwnerCanonical, "FULL_CONTROL")},{Group(group, "READ")}]"));
        var e = Assert.Single(events);
        Assert.Equal(("http://acs.amazonaws.com/groups/" + group, GranteeType.Public, "READ"), (e.Grantee, e.GranteeType, e.Permission));
        Assert.Equal(("S3Bucket", "orders", ShareCategory.Storage), (e.ResourceType, e.ResourceId, e.Category));
        Assert.Equal(Severity.Critical, Judge(e)!.Severity);
    }

    [Fact]
    public void Acl_grant_to_the_owner_alone_is_no_share_and_a_single_grant_object_is_read()
    {
        var (events, host, reader) = Read(Delivery(Acl(Canonical(OwnerCanonical, "FULL_CONTROL"))));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.CandidateRecords);
    }

    [Fact]
    public void Acl_grant_to_another_canonical_id_is_a_high_finding_that_says_canonical_id()
    {
        var f = Finding(Acl($"[{Canonical(OwnerCanonical, "FULL_CONTROL")},{Canonical(OtherCanonical, "WRITE")}]"));
        Assert.Equal((OtherCanonical, GranteeType.User, Severity.High), (f.Grantee, f.GranteeType, f.Severity));
        Assert.Equal($"S3 bucket orders was shared with S3 canonical user id {OtherCanonical}, which the trust zone cannot map to an account (canonical ids and e-mail grantees count as foreign).", f.Reason);
        Assert.Equal("S3 canonical user id (someone)", f.Event.Details);
    }

    [Fact]
    public void Acl_grant_to_an_email_address_is_a_foreign_user()
    {
        var f = Finding(Acl("""{"Grantee":{"xsi:type":"AmazonCustomerByEmail","EmailAddress":"drop@example.net"},"Permission":"READ"}"""));
        Assert.Equal(("drop@example.net", GranteeType.User), (f.Grantee, f.GranteeType));
        Assert.Contains("the AWS account of e-mail address drop@example.net", f.Reason);
    }

    [Fact]
    public void Log_delivery_group_writes_logs_and_is_no_share()
    {
        Assert.Empty(Events(Acl($"[{Canonical(OwnerCanonical, "FULL_CONTROL")},{Group("s3/LogDelivery", "WRITE")},{Group("s3/LogDelivery", "READ_ACP")}]")));
    }

    [Theory]
    [InlineData("public-read", "http://acs.amazonaws.com/groups/global/AllUsers", "READ")]
    [InlineData("public-read-write", "http://acs.amazonaws.com/groups/global/AllUsers", "READ, WRITE")]
    [InlineData("authenticated-read", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "READ")]
    public void Canned_acl_header_that_opens_the_bucket_is_public(string acl, string grantee, string permission)
    {
        var e = Single(Call("PutBucketAcl", "s3.amazonaws.com", $$$"""{"bucketName":"orders","acl":[""],"x-amz-acl":["{{{acl}}}"]}"""));
        Assert.Equal((grantee, GranteeType.Public, permission, "canned ACL " + acl), (e.Grantee, e.GranteeType, e.Permission, e.Details));
    }

    [Theory]
    [InlineData("private")]
    [InlineData("bucket-owner-full-control")]
    [InlineData("log-delivery-write")]
    public void Canned_acl_that_keeps_the_bucket_private_is_no_share(string acl)
    {
        var (events, host, _) = Read(Delivery(Call("PutBucketAcl", "s3.amazonaws.com", $$$"""{"bucketName":"orders","acl":[""],"x-amz-acl":["{{{acl}}}"]}""")));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Grant_headers_are_read_each_with_its_permission()
    {
        var events = Events(Call("PutBucketAcl", "s3.amazonaws.com", $$$"""
            {"bucketName":"orders","x-amz-grant-read":["uri=\"http://acs.amazonaws.com/groups/global/AllUsers\", emailAddress=\"drop@example.net\""],
             "x-amz-grant-full-control":"id=\"{{{OtherCanonical}}}\""}
            """));
        Assert.Equal(
            new[] { ("http://acs.amazonaws.com/groups/global/AllUsers", GranteeType.Public, "READ"), ("drop@example.net", GranteeType.User, "READ"), (OtherCanonical, GranteeType.Unknown, "FULL_CONTROL") },
            events.Select(e => (e.Grantee!, e.GranteeType, e.Permission!)));
        // A header's canonical id cannot be compared with the owner's: unknown, Medium, saying why.
        var f = Judge(events[2])!;
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Contains("the record has no owner id to compare it with", f.Reason);
    }

    [Fact]
    public void Acl_call_without_body_or_headers_is_an_incomplete_record()
    {
        var (events, host, _) = Read(Delivery(Call("PutBucketAcl", "s3.amazonaws.com", """{"bucketName":"orders","acl":[""]}""")));
        Assert.Empty(events);
        Assert.Contains("neither an AccessControlPolicy nor x-amz-acl", Assert.Single(host.Issues).Message);
    }

    private static JsonObject Replication(string rules) =>
        Call("PutBucketReplication", "s3.amazonaws.com", $$$"""
            {"bucketName":"orders","replication":[""],"ReplicationConfiguration":{"Role":"arn:aws:iam::111122223333:role/replication","Rule":{{{rules}}},
             "xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"}}
            """);

    [Fact]
    public void Replication_rule_object_with_a_foreign_destination_account_is_high()
    {
        var record = Replication($$$"""
            {"ID":"all","Status":"Enabled","Priority":1,"Filter":{"Prefix":""},
             "Destination":{"Bucket":"arn:aws:s3:::drop-zone","Account":"{{{Foreign}}}","AccessControlTranslation":{"Owner":"Destination"} } }
            """);
        var f = Finding(record);
        Assert.Equal((Foreign, GranteeType.Account, Severity.High, "replication"), (f.Grantee, f.GranteeType, f.Severity, f.Event.Permission));
        Assert.Equal("destination bucket arn:aws:s3:::drop-zone; replicas owned by the destination account; rule all", f.Event.Details);
        Assert.Equal($"S3 bucket orders was shared with AWS account {Foreign}, which is outside the trust zone.", f.Reason);
    }

    [Fact]
    public void Replication_rule_list_gives_one_event_per_enabled_rule_and_skips_disabled_ones()
    {
        var events = Events(Replication($$$"""
            [{"ID":"a","Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::backup","Account":"{{{Trusted}}}"}},
             {"ID":"b","Status":"Disabled","Destination":{"Bucket":"arn:aws:s3:::old","Account":"{{{Foreign}}}"}},
             {"ID":"c","Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::replica-us-west-2"}}]
            """));
        Assert.Equal(new[] { (Trusted, GranteeType.Account), ("arn:aws:s3:::replica-us-west-2", GranteeType.Unknown) }, events.Select(e => (e.Grantee!, e.GranteeType)));
        Assert.Null(Judge(events[0]));
        var f = Judge(events[1])!;
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Equal("S3 bucket orders was shared with 'arn:aws:s3:::replica-us-west-2', a grantee that could not be classified (destination bucket owner not recorded; destination bucket arn:aws:s3:::replica-us-west-2; rule c).", f.Reason);
    }

    [Fact]
    public void Replication_without_configuration_or_destination_is_reported_incomplete()
    {
        var none = Call("PutBucketReplication", "s3.amazonaws.com", """{"bucketName":"orders","replication":[""]}""");
        var noDestination = Replication("""{"ID":"x","Status":"Enabled"}""");
        var (events, host, _) = Read(Lines(none, noDestination));
        Assert.Empty(events);
        Assert.Equal(2, host.Issues.Count);
        Assert.Contains("has no ReplicationConfiguration", host.Issues[0].Message);
        Assert.Contains("without a destination bucket or account", host.Issues[1].Message);
        Assert.Equal(new long?[] { 1, 2 }, host.Issues.Select(i => i.Line));
    }

    /// <summary>A CopyObject data event: the destination object and bucket, then the source's, each bucket with its owner.</summary>
    private static JsonObject Copy(string sourceBucket, string? sourceAccount, string destinationBucket, string? destinationAccount, string recipient = Owner)
    {
        var r = Call("CopyObject", "s3.amazonaws.com", $$$"""{"bucketName":"{{{destinationBucket}}}","key":"db.csv","x-amz-copy-source":"{{{sourceBucket}}}/exports/db.csv"}""");
        string Bucket(string name, string? account) => account == null
            ? $$$"""{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::{{{name}}}"}"""
            : $$$"""{"accountId":"{{{account}}}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::{{{name}}}"}""";
        r["resources"] = JsonNode.Parse($$$"""
            [{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::{{{destinationBucket}}}/db.csv"},{{{Bucket(destinationBucket, destinationAccount)}}},
             {"type":"AWS::S3::Object","ARN":"arn:aws:s3:::{{{sourceBucket}}}/exports/db.csv"},{{{Bucket(sourceBucket, sourceAccount)}}}]
            """);
        r["recipientAccountId"] = recipient;
        r["eventCategory"] = "Data";
        r["managementEvent"] = false;
        return r;
    }

    [Fact]
    public void Copy_into_a_bucket_of_a_foreign_account_is_a_high_finding_owned_by_the_source_account()
    {
        var f = Finding(Copy("orders", Owner, "drop-zone", Foreign));
        Assert.Equal((Foreign, GranteeType.Account, Severity.High), (f.Grantee, f.GranteeType, f.Severity));
        Assert.Equal(("S3Object", "orders/exports/db.csv", Owner), (f.ResourceType, f.ResourceId, f.AccountId));
        Assert.Equal($"copied to s3://drop-zone/db.csv (bucket of account {Foreign})", f.Event.Details);
    }

    [Fact]
    public void Copy_within_one_account_is_no_share_event()
    {
        var (events, host, reader) = Read(Delivery(Copy("orders", Owner, "orders-archive", Owner)));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.CandidateRecords);
    }

    [Fact]
    public void Copy_seen_from_the_destination_account_is_judged_against_the_source_owner()
    {
        // The attacker's copy of the record: recipient is the destination account, the data belongs to the source's.
        var f = Finding(Copy("orders", Trusted, "drop-zone", Foreign, recipient: Foreign));
        Assert.Equal((Foreign, Trusted), (f.Grantee, f.AccountId));
    }

    [Fact]
    public void Copy_to_a_bucket_whose_owner_is_not_recorded_is_unknown()
    {
        var f = Finding(Copy("orders", Owner, "drop-zone", null));
        Assert.Equal(("arn:aws:s3:::drop-zone", GranteeType.Unknown, Severity.Medium), (f.Grantee, f.GranteeType, f.Severity));
        Assert.Contains("destination bucket owner not recorded", f.Reason);
    }
}
