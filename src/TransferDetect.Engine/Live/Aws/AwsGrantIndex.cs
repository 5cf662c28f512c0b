using System;
using System.Collections.Generic;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// The last recorded change of each (resource, grantee) seen in CloudTrail (files or LookupEvents), so a grant
/// found in the current state can name the event that made it. Holds share events only (a few per resource).
/// </summary>
public sealed class AwsGrantIndex
{
    private readonly Dictionary<string, ShareEvent> _last = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _last.Count;

    /// <summary>The latest recorded change of each resource and grantee.</summary>
    public IEnumerable<ShareEvent> Events => _last.Values;

    /// <summary>Adds an event; a successful AWS add or remove is kept when it is the latest of its resource and grantee.</summary>
    public void Add(ShareEvent e)
    {
        if (e == null || e.Provider != Provider.Aws || !e.Succeeded || e.ResourceId == null || e.Grantee == null) return;
        if (e.Action != ShareAction.Add && e.Action != ShareAction.Remove) return;
        string key = Key(e.ResourceId, e.Grantee);
        if (!_last.TryGetValue(key, out var known) || known.EventTime <= e.EventTime) _last[key] = e;
    }

    /// <summary>The event that granted <paramref name="grantee"/> access to <paramref name="resourceId"/>, when the latest change recorded was that grant.</summary>
    public ShareEvent? GrantOf(string? resourceId, string? grantee)
    {
        if (resourceId == null || grantee == null) return null;
        return _last.TryGetValue(Key(resourceId, grantee), out var e) && e.Action == ShareAction.Add ? e : null;
    }

    private static string Key(string resourceId, string grantee) => resourceId + "\n" + grantee;
}
