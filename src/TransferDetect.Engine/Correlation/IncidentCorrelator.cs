using System;
using System.Collections.Generic;
using System.Threading;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Correlation;

/// <summary>
/// Turns a stream of share events (any mix of providers, roughly but not strictly in time order, oldest-first
/// or newest-first) into incidents: the events of one principal outside the trust zone (or, for everyone and
/// anyone-links, of one resource) that are close in time, with the creation of the resources shared, the key
/// grants to the same principal, its uses of the share and the revocations. A chain grows while events come
/// at most <see cref="IncidentCorrelatorOptions.ChainWindow"/> away from it; once the stream has moved further
/// away it can no longer grow and is emitted, the rest at the end. Memory is bounded by
/// <see cref="IncidentCorrelatorOptions.Capacity"/> events: at the bound the chain touched longest ago is
/// emitted early (counted in <see cref="Statistics"/> and reported to the host).
/// </summary>
/// <remarks>
/// Chains are keyed by (provider, owner account or tenant, grantee); a share to everyone or to anyone with
/// a link adds the resource to the key. First-seen marking compares a chain's grantee with what was read
/// before it and with the baseline: with newest-first input, "before" is what the stream has given so far.
/// </remarks>
public sealed class IncidentCorrelator
{
    private readonly ExternalShareDetector _detector;
    private readonly IncidentCorrelatorOptions _options;
    private readonly IScanHost? _host;
    private readonly Dictionary<string, Chain> _open = new(StringComparer.Ordinal);
    private readonly LinkedList<Chain> _order = new();
    private readonly Dictionary<string, List<Chain>> _chainsByResource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkedListNode<ShareEvent>> _creations = new(StringComparer.Ordinal);
    private readonly LinkedList<ShareEvent> _creationOrder = new();
    private readonly Dictionary<string, DateTime> _firstSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _ownAddresses = new(StringComparer.Ordinal);
    private int _ownAddressCount;
    private int _held;
    private long _sequence;
    private bool _capacityReported;

    public IncidentCorrelator(ExternalShareDetector detector, IncidentCorrelatorOptions? options = null, IScanHost? host = null)
    {
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _options = options ?? new IncidentCorrelatorOptions();
        if (_options.ChainWindow < TimeSpan.Zero) throw new ArgumentException("The chain window cannot be negative.", nameof(options));
        if (_options.MassShareThreshold < 2) throw new ArgumentException("The mass-share threshold must be at least 2 resources.", nameof(options));
        _host = host;
    }

    public CorrelationStatistics Statistics { get; } = new();

    /// <summary>The detector the findings come from (its statistics count every event correlated).</summary>
    public ExternalShareDetector Detector => _detector;

    /// <summary>Correlates a whole stream: incidents come out as soon as their chain can no longer grow, the rest at the end.</summary>
    public IEnumerable<TransferIncident> Correlate(IEnumerable<ShareEvent> events, CancellationToken cancellationToken = default)
    {
        foreach (var e in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var incident in Add(e)) yield return incident;
        }
        foreach (var incident in Complete()) yield return incident;
    }

    /// <summary>Adds one event; returns the incidents whose chains it closed (often none), oldest first.</summary>
    public IReadOnlyList<TransferIncident> Add(ShareEvent e)
    {
        if (e == null) throw new ArgumentNullException(nameof(e));
        return AddCore(e, _detector.Evaluate(e));
    }

    /// <summary>Adds a finding judged already (piped from Find-ExternalShare): it is taken as it is, not judged again.</summary>
    public IReadOnlyList<TransferIncident> Add(Finding finding)
    {
        if (finding == null) throw new ArgumentNullException(nameof(finding));
        return AddCore(finding.Event, finding);
    }

    private IReadOnlyList<TransferIncident> AddCore(ShareEvent e, Finding? finding)
    {
        Statistics.Events++;
        LearnOwnAddress(e);
        switch (e.Action)
        {
            case ShareAction.Create:
                AddCreation(e);
                break;
            case ShareAction.Remove:
                AddRevocation(e);
                break;
            default:
                if (finding != null) AddShare(e, finding);
                break;
        }
        return CloseFar(e.EventTime);
    }

    /// <summary>Emits every chain still open (the end of the data), oldest first.</summary>
    public IReadOnlyList<TransferIncident> Complete()
    {
        var closed = new List<Chain>(_order);
        foreach (var chain in closed) Detach(chain);
        _creations.Clear();
        _creationOrder.Clear();
        _removals.Clear();
        _removalOrder.Clear();
        _held = 0;
        return Emit(closed);
    }

    private sealed class Chain
    {
        public Chain(string key, Provider provider, string? account, string? granteeKey, bool everyone)
        {
            Key = key;
            Provider = provider;
            Account = account;
            GranteeKey = granteeKey;
            Everyone = everyone;
        }

        public readonly string Key;
        public readonly Provider Provider;
        public readonly string? Account;
        public readonly string? GranteeKey;
        public readonly bool Everyone;
        public readonly List<(ShareEvent Event, Finding? Finding, long Sequence)> Items = new();
        public readonly List<string> Resources = new();
        public readonly HashSet<string> ResourceSet = new(StringComparer.Ordinal);
        public readonly HashSet<ShareEvent> Creations = new();
        public DateTime Start = DateTime.MaxValue;
        public DateTime End = DateTime.MinValue;
        public LinkedListNode<Chain>? Node;

        /// <summary>Is this creation event part of the chain already?</summary>
        public bool Holds(ShareEvent creation) => Creations.Contains(creation);
    }

    private static string ResourceKey(ShareEvent e) => ((int)e.Provider).ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + e.ResourceId;

    private static string ChainKey(ShareEvent e, string? granteeKey, bool everyone) =>
        $"{(int)e.Provider}|{e.AccountId ?? e.TenantId}|{granteeKey}" + (everyone ? "|" + e.ResourceId : "");

    private void AddShare(ShareEvent e, Finding finding)
    {
        bool everyone = GranteeIdentity.IsEveryone(e);
        string? granteeKey = GranteeIdentity.Key(e.Provider, e.Grantee);
        string key = ChainKey(e, granteeKey, everyone);
        if (!_open.TryGetValue(key, out var chain) || !Fits(chain, e.EventTime))
        {
            if (chain != null)
            {
                // Same principal, but too far in time from the open chain: that chain can no longer grow.
                _pendingEarly.Add(chain);
                Detach(chain);
            }
            chain = new Chain(key, e.Provider, e.AccountId ?? e.TenantId, granteeKey, everyone);
            _open[key] = chain;
            chain.Node = _order.AddLast(chain);
        }
        Append(chain, e, finding);
        AttachRemovals(chain);
        if (!everyone) NoteSeen(e.Provider, e.Grantee, e.EventTime);
        if (e.ResourceId != null && e.Category != ShareCategory.Key)
        {
            string resource = ResourceKey(e);
            if (chain.ResourceSet.Add(e.ResourceId))
            {
                chain.Resources.Add(e.ResourceId);
                if (!_chainsByResource.TryGetValue(resource, out var list)) _chainsByResource[resource] = list = new List<Chain>();
                list.Add(chain);
            }
            if (_creations.TryGetValue(resource, out var created) && Fits(chain, created.Value.EventTime) && !chain.Holds(created.Value))
            {
                Append(chain, created.Value, null);
            }
        }
    }

    private readonly List<Chain> _pendingEarly = new();

    private void AddRevocation(ShareEvent e)
    {
        if (!e.Succeeded) return;
        bool everyone = GranteeIdentity.IsEveryone(e);
        string key = ChainKey(e, GranteeIdentity.Key(e.Provider, e.Grantee), everyone);
        if (_open.TryGetValue(key, out var chain) && Fits(chain, e.EventTime))
        {
            Append(chain, e, null);
            return;
        }
        // The grant may come later in the stream (newest-first exports): the revocation waits for it, within the window.
        var node = _removalOrder.AddLast((key, e));
        if (!_removals.TryGetValue(key, out var list)) _removals[key] = list = new List<LinkedListNode<(string, ShareEvent)>>();
        list.Add(node);
        _held++;
    }

    private readonly Dictionary<string, List<LinkedListNode<(string Key, ShareEvent Event)>>> _removals = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, ShareEvent Event)> _removalOrder = new();

    /// <summary>Attaches the waiting revocations of the chain's key that fit its window.</summary>
    private void AttachRemovals(Chain chain)
    {
        if (!_removals.TryGetValue(chain.Key, out var list)) return;
        for (int i = list.Count - 1; i >= 0; i--)
        {
            var node = list[i];
            if (!Fits(chain, node.Value.Event.EventTime)) continue;
            list.RemoveAt(i);
            _removalOrder.Remove(node);
            _held--;
            Append(chain, node.Value.Event, null);
        }
        if (list.Count == 0) _removals.Remove(chain.Key);
    }

    private void ForgetRemoval(LinkedListNode<(string Key, ShareEvent Event)> node)
    {
        if (_removals.TryGetValue(node.Value.Key, out var list))
        {
            list.Remove(node);
            if (list.Count == 0) _removals.Remove(node.Value.Key);
        }
        _removalOrder.Remove(node);
        _held--;
    }

    private void AddCreation(ShareEvent e)
    {
        if (!e.Succeeded || e.ResourceId == null) return;
        string resource = ResourceKey(e);
        if (_creations.TryGetValue(resource, out var old))
        {
            _creationOrder.Remove(old);
            _held--;
        }
        _creations[resource] = _creationOrder.AddLast(e);
        _held++;
        if (_chainsByResource.TryGetValue(resource, out var chains))
        {
            foreach (var chain in chains)
            {
                if (Fits(chain, e.EventTime) && !chain.Holds(e)) Append(chain, e, null);
            }
        }
    }

    private void Append(Chain chain, ShareEvent e, Finding? finding)
    {
        chain.Items.Add((e, finding, _sequence++));
        if (e.Action == ShareAction.Create) chain.Creations.Add(e);
        if (e.EventTime < chain.Start) chain.Start = e.EventTime;
        if (e.EventTime > chain.End) chain.End = e.EventTime;
        _held++;
        Statistics.ChainedEvents++;
        if (chain.Node != null && chain.Node != _order.Last)
        {
            _order.Remove(chain.Node);
            _order.AddLast(chain.Node);
        }
    }

    /// <summary>Within the window of the chain's span (its first to its last event)?</summary>
    private bool Fits(Chain chain, DateTime t) =>
        chain.Items.Count == 0 || (t >= chain.Start - Clamp(chain.Start) && t <= chain.End + Clamp(chain.End, forward: true));

    private TimeSpan Clamp(DateTime t, bool forward = false)
    {
        var w = _options.ChainWindow;
        if (forward) return DateTime.MaxValue - t < w ? DateTime.MaxValue - t : w;
        return t - DateTime.MinValue < w ? t - DateTime.MinValue : w;
    }

    private void Detach(Chain chain)
    {
        if (chain.Node != null)
        {
            _order.Remove(chain.Node);
            chain.Node = null;
        }
        if (_open.TryGetValue(chain.Key, out var current) && ReferenceEquals(current, chain)) _open.Remove(chain.Key);
        foreach (var id in chain.Resources)
        {
            string resource = ((int)chain.Provider).ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + id;
            if (_chainsByResource.TryGetValue(resource, out var list))
            {
                list.Remove(chain);
                if (list.Count == 0) _chainsByResource.Remove(resource);
            }
        }
        _held -= chain.Items.Count;
    }

    /// <summary>Closes the chains the stream has moved past, then applies the capacity.</summary>
    private IReadOnlyList<TransferIncident> CloseFar(DateTime now)
    {
        var closed = new List<Chain>(_pendingEarly);
        _pendingEarly.Clear();
        // An event without a readable time says nothing of where the stream is: only the capacity applies.
        bool timed = now != Sources.ShareTimes.Unknown;
        while (timed && _order.First != null && !Fits(_order.First.Value, now))
        {
            var chain = _order.First.Value;
            Detach(chain);
            closed.Add(chain);
        }
        while (timed && _creationOrder.First != null && !GranteeIdentity.Near(_creationOrder.First.Value.EventTime, now, _options.ChainWindow))
        {
            ForgetCreation(_creationOrder.First);
        }
        while (timed && _removalOrder.First != null && !GranteeIdentity.Near(_removalOrder.First.Value.Event.EventTime, now, _options.ChainWindow))
        {
            ForgetRemoval(_removalOrder.First);
        }
        int capacity = Math.Max(1, _options.Capacity);
        while (_held > capacity)
        {
            if (_removalOrder.First != null && (_order.First == null || _removalOrder.Count >= _creationOrder.Count))
            {
                ForgetRemoval(_removalOrder.First);
                Statistics.CreationsForgotten++;
            }
            else if (_creationOrder.First != null)
            {
                ForgetCreation(_creationOrder.First);
                Statistics.CreationsForgotten++;
            }
            else if (_order.First != null)
            {
                var chain = _order.First.Value;
                Detach(chain);
                closed.Add(chain);
                Statistics.ClosedAtCapacity++;
            }
            else
            {
                break;
            }
            if (!_capacityReported)
            {
                _capacityReported = true;
                _host?.Verbose($"Correlation holds {capacity} event(s), its capacity: chains are emitted before their window has passed, so a later event of theirs starts a new incident. Raise the capacity to keep them whole.");
            }
        }
        return closed.Count == 0 ? Array.Empty<TransferIncident>() : Emit(closed);
    }

    private void ForgetCreation(LinkedListNode<ShareEvent> node)
    {
        string resource = ResourceKey(node.Value);
        if (_creations.TryGetValue(resource, out var current) && current == node) _creations.Remove(resource);
        _creationOrder.Remove(node);
        _held--;
    }

    /// <summary>The addresses an account's or tenant's own users share from (never a use by the grantee).</summary>
    private void LearnOwnAddress(ShareEvent e)
    {
        if (e.Action == ShareAction.Use || string.IsNullOrEmpty(e.SourceIp) || _ownAddressCount >= _options.MaxOwnAddresses) return;
        if (e.ActorAccountId != null && e.AccountId != null && e.Provider == Provider.Aws && e.ActorAccountId != e.AccountId) return;
        string account = $"{(int)e.Provider}|{e.AccountId ?? e.TenantId}";
        if (!_ownAddresses.TryGetValue(account, out var set)) _ownAddresses[account] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (set.Add(e.SourceIp!)) _ownAddressCount++;
    }

    private bool IsOwnAddress(Chain chain, string ip) =>
        _ownAddresses.TryGetValue($"{(int)chain.Provider}|{chain.Account}", out var set) && set.Contains(ip);

    private void NoteSeen(Provider provider, string? grantee, DateTime time)
    {
        string? id = GranteeIdentity.Qualified(provider, grantee);
        if (id == null) return;
        if (_firstSeen.TryGetValue(id, out var first))
        {
            if (time < first) _firstSeen[id] = time;
        }
        else if (_firstSeen.Count < _options.MaxTrackedGrantees)
        {
            _firstSeen[id] = time;
        }
        else
        {
            Statistics.GranteesNotTracked++;
        }
    }

    private IReadOnlyList<TransferIncident> Emit(List<Chain> chains)
    {
        chains.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Key, b.Key));
        var result = new List<TransferIncident>(chains.Count);
        foreach (var chain in chains)
        {
            // A chain of creations and revocations alone has no finding: it tells nothing.
            if (!chain.Items.Exists(i => i.Finding != null)) continue;
            result.Add(IncidentBuilder.Build(chain.Items, chain.Resources, chain.Provider, chain.Account, chain.Everyone, _options,
                FirstSeen(chain), ip => IsOwnAddress(chain, ip)));
            Statistics.Incidents++;
        }
        return result;
    }

    private bool FirstSeen(Chain chain)
    {
        if (chain.Everyone) return false;
        var first = chain.Items.Find(i => i.Finding != null).Event;
        string? id = GranteeIdentity.Qualified(chain.Provider, first.Grantee);
        if (id == null) return false;
        if (_options.Baseline != null && _options.Baseline.KnowsGrantee(chain.Provider, first.Grantee)) return false;
        return !_firstSeen.TryGetValue(id, out var seen) || seen >= chain.Start;
    }
}
