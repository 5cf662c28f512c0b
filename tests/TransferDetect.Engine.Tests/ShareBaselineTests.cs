using System.Text;
using TransferDetect.Engine.Baselines;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Engine.Tests.IncidentCorrelatorTests;

namespace TransferDetect.Engine.Tests;

/// <summary>Share baselines: the net state, the file, and what a later run reports as new or gone.</summary>
public class ShareBaselineTests
{
    private static ShareBaseline Build(params ShareEvent[] events)
    {
        var builder = new ShareBaselineBuilder(new ExternalShareDetector(TrustZone.Empty));
        foreach (var e in events) builder.Add(e);
        return builder.ToBaseline(new DateTime(2026, 11, 6, 0, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void A_grant_revoked_later_is_not_in_the_state_but_its_grantee_is_known_in_any_input_order()
    {
        var events = new[]
        {
            Aws("ModifySnapshotAttribute", ShareAction.Add, "210987654321", 0),
            Aws("ModifySnapshotAttribute", ShareAction.Add, "999988887777", 1, resource: "snap-2"),
            Aws("ModifySnapshotAttribute", ShareAction.Remove, "210987654321", 30),
            Aws("ModifySnapshotAttribute", ShareAction.Add, "555566667777", 2, ok: false),
        };
        foreach (var order in new[] { events, events.Reverse().ToArray() })
        {
            var b = Build(order);
            var grant = Assert.Single(b.Grants);
            Assert.Equal(("snap-2", "999988887777", GranteeType.Account), (grant.ResourceId, grant.Grantee, grant.GranteeType));
            Assert.Equal(new[] { "210987654321", "999988887777" }, b.Grantees.Select(g => g.Grantee));
            Assert.True(b.KnowsGrantee(Provider.Aws, "arn:aws:iam::210987654321:root"));
            Assert.False(b.KnowsGrantee(Provider.Aws, "555566667777")); // a failed attempt grants nothing
        }
    }

    [Fact]
    public void Saved_baseline_loads_back_the_same_and_is_versioned()
    {
        var b = Build(Aws("ModifySnapshotAttribute", ShareAction.Add, "210987654321", 0), Aws("ModifySnapshotAttribute", ShareAction.Add, "all", 5, resource: "snap-pub"));
        var stream = new MemoryStream();
        b.Save(stream);
        string text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.StartsWith("{\"format\":\"TransferDetect.ShareBaseline\",\"version\":1,\"created\":\"2026-11-06T00:00:00Z\",\"grants\":[\n{", text);
        var loaded = ShareBaseline.Load(new MemoryStream(stream.ToArray()), "b.json");
        Assert.Equal(b.Grants.Select(g => (g.Provider, g.ResourceId, g.Grantee, g.GranteeType, g.GrantedAt)), loaded.Grants.Select(g => (g.Provider, g.ResourceId, g.Grantee, g.GranteeType, g.GrantedAt)));
        Assert.Equal(b.Grantees.Select(g => (g.Grantee, g.FirstSeen, g.LastSeen)), loaded.Grantees.Select(g => (g.Grantee, g.FirstSeen, g.LastSeen)));
        Assert.Equal(2, loaded.Grants.Count);
        Assert.Single(loaded.Grantees); // "all" is everyone, not a grantee
    }

    [Theory]
    [InlineData("[1,2]", "is not a share baseline (it has no \"format\"")]
    [InlineData("{\"format\":\"TransferDetect.ShareBaseline\",\"version\":9}", "the baseline is of version 9, newer than this module reads (1)")]
    [InlineData("{\"format\":\"TransferDetect.ShareBaseline\",\"version\":1,\"grantees\":[{\"provider\":\"Aws\",\"grantee\":\"1\",\"granteeType\":\"Account\",\"firstSeen\":\"x\",\"lastSeen\":\"x\"}]}", "grantees entry 1 has no valid \"firstSeen\" time ('x')")]
    [InlineData("{not json", "is not valid JSON")]
    public void A_file_that_is_not_a_baseline_is_refused_naming_the_file_and_the_problem(string text, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ShareBaseline.Load(new MemoryStream(Encoding.UTF8.GetBytes(text)), "old.json"));
        Assert.StartsWith("old.json", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Compare_reports_new_grantees_new_grants_and_grants_gone()
    {
        var before = Build(Aws("ModifySnapshotAttribute", ShareAction.Add, "999988887777", 0, resource: "snap-old"), Aws("ModifySnapshotAttribute", ShareAction.Add, "999988887777", 1, resource: "snap-kept"));
        var after = Build(
            Aws("ModifySnapshotAttribute", ShareAction.Add, "999988887777", 0, resource: "snap-kept"),
            Aws("ModifySnapshotAttribute", ShareAction.Add, "arn:aws:iam::210987654321:root", 60, resource: "snap-new"));
        var changes = ShareBaselineComparer.Compare(before, after).ToList();
        Assert.Equal(
            new[]
            {
                "New Grantee  210987654321",
                "New Grant snap-new 210987654321",
                "Gone Grant snap-old 999988887777",
            },
            changes.Select(c => $"{c.Change} {c.Item} {c.ResourceId} {c.Grantee}"));
        Assert.Equal("EBS snapshot snap-new is shared with Account 210987654321 (a grant the baseline does not have).", changes[1].Summary);
        Assert.Empty(ShareBaselineComparer.Compare(after, after));
    }
}
