using System;
using System.Collections.Generic;
using System.Linq;
using TransferDetect.Engine.Correlation;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Baselines;

/// <summary>
/// Builds a <see cref="ShareBaseline"/> from share events (or findings) in any order: a grant outside the trust zone
/// stands when its last grant is later than its last revocation; every principal outside the zone that was granted
/// access or used a share is a known grantee. Memory holds one entry per distinct grant, revocation and grantee, at
/// most <c>capacity</c> (what does not fit is counted in <see cref="NotKept"/>).
/// </summary>
public sealed class ShareBaselineBuilder
{
    private readonly ExternalShareDetector? _detector;
    private readonly int _capacity;
    private readonly Dictionary<string, BaselineGrant> _grants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _revoked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (BaselineGrantee Grantee, DateTime First, DateTime Last)> _grantees = new(StringComparer.Ordinal);

    /// <param name="detector">Decides which events are outside the zone; null when only findings are added.</param>
    public ShareBaselineBuilder(ExternalShareDetector? detector, int capacity = 100_000)
    {
        _detector = detector;
        _capacity = Math.Max(1, capacity);
    }

    /// <summary>Entries that could not be kept because the capacity was reached.</summary>
    public long NotKept { get; private set; }

    private int Count => _grants.Count + _revoked.Count + _grantees.Count;

    /// <summary>Adds a share event: judged by the detector (revocations are kept to net the grants out).</summary>
    public void Add(ShareEvent e)
    {
        if (e == null) throw new ArgumentNullException(nameof(e));
        if (e.Action == ShareAction.Remove)
        {
            if (!e.Succeeded || e.Grantee == null) return;
            string key = BaselineKeys.Grant(e.Provider, e.AccountId ?? e.TenantId, e.ResourceId, e.Grantee);
            if (_revoked.TryGetValue(key, out var old)) { if (e.EventTime > old) _revoked[key] = e.EventTime; }
            else if (Count < _capacity) _revoked[key] = e.EventTime;
            else NotKept++;
            return;
        }
        if (e.Action == ShareAction.Create || _detector == null) return;
        var finding = _detector.Evaluate(e);
        if (finding != null) Add(finding);
    }

    /// <summary>Adds a finding (a grant or a use outside the zone); failed attempts and guardrails grant nobody anything and are left out.</summary>
    public void Add(Finding finding)
    {
        if (finding == null) throw new ArgumentNullException(nameof(finding));
        var e = finding.Event;
        if (!e.Succeeded || e.Category == ShareCategory.Guardrail) return;
        var type = GranteeIdentity.TypeOf(e);
        if (e.Action == ShareAction.Add)
        {
            string key = BaselineKeys.Grant(e.Provider, e.AccountId ?? e.TenantId, e.ResourceId, e.Grantee);
            if (_grants.TryGetValue(key, out var old))
            {
                if (e.EventTime > old.GrantedAt) _grants[key] = Grant(e, type);
            }
            else if (Count < _capacity) _grants[key] = Grant(e, type);
            else NotKept++;
            if (e.RevokedAt is DateTime revokedAt)
            {
                if (!_revoked.TryGetValue(key, out var r) || revokedAt > r) _revoked[key] = revokedAt;
            }
        }
        if (GranteeIdentity.IsEveryone(e)) return;
        string? id = GranteeIdentity.Qualified(e.Provider, e.Grantee);
        if (id == null) return;
        if (_grantees.TryGetValue(id, out var g))
        {
            _grantees[id] = (g.Grantee, e.EventTime < g.First ? e.EventTime : g.First, e.EventTime > g.Last ? e.EventTime : g.Last);
        }
        else if (Count < _capacity)
        {
            string name = e.Provider == Provider.Aws ? GranteeIdentity.Key(e.Provider, e.Grantee)! : e.Grantee!;
            _grantees[id] = (new BaselineGrantee { Provider = e.Provider, Grantee = name, GranteeType = type }, e.EventTime, e.EventTime);
        }
        else NotKept++;
    }

    private static BaselineGrant Grant(ShareEvent e, GranteeType type) => new()
    {
        Provider = e.Provider,
        AccountId = e.AccountId ?? e.TenantId,
        ResourceType = e.ResourceType,
        ResourceId = e.ResourceId,
        Grantee = e.Provider == Provider.Aws && type == GranteeType.Account ? GranteeIdentity.Key(e.Provider, e.Grantee) : e.Grantee,
        GranteeType = type,
        GrantedAt = e.EventTime,
    };

    /// <summary>The baseline: grants granted later than revoked, and the grantees, in a stable order.</summary>
    public ShareBaseline ToBaseline(DateTime? created = null)
    {
        var grants = _grants
            .Where(g => !_revoked.TryGetValue(g.Key, out var r) || r < g.Value.GrantedAt)
            .Select(g => g.Value)
            .OrderBy(g => g.Provider).ThenBy(g => g.AccountId, StringComparer.Ordinal).ThenBy(g => g.ResourceId, StringComparer.Ordinal).ThenBy(g => g.Grantee, StringComparer.Ordinal)
            .ToList();
        var grantees = _grantees.Values
            .Select(g => new BaselineGrantee { Provider = g.Grantee.Provider, Grantee = g.Grantee.Grantee, GranteeType = g.Grantee.GranteeType, FirstSeen = g.First, LastSeen = g.Last })
            .OrderBy(g => g.Provider).ThenBy(g => g.Grantee, StringComparer.Ordinal)
            .ToList();
        return new ShareBaseline(created ?? DateTime.UtcNow, grants, grantees);
    }
}
