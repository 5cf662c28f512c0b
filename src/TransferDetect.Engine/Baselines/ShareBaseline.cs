using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using TransferDetect.Engine.Correlation;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Baselines;

/// <summary>A grant outside the trust zone that stood at the end of the data: granted and not revoked.</summary>
public sealed class BaselineGrant
{
    public Provider Provider { get; init; }
    public string? AccountId { get; init; }
    public string ResourceType { get; init; } = "";
    public string? ResourceId { get; init; }
    public string? Grantee { get; init; }
    public GranteeType GranteeType { get; init; }

    /// <summary>The last time it was granted (UTC).</summary>
    public DateTime GrantedAt { get; init; }

    internal string Key => BaselineKeys.Grant(Provider, AccountId, ResourceId, Grantee);

    public override string ToString() => $"{Provider} {ResourceType} {ResourceId} -> {Grantee}";
}

/// <summary>A principal outside the trust zone that was granted access (or used a share), with when it was first and last seen.</summary>
public sealed class BaselineGrantee
{
    public Provider Provider { get; init; }
    public string Grantee { get; init; } = "";
    public GranteeType GranteeType { get; init; }
    public DateTime FirstSeen { get; init; }
    public DateTime LastSeen { get; init; }

    internal string Key => GranteeIdentity.Qualified(Provider, Grantee) ?? "";

    public override string ToString() => $"{Provider} {GranteeType} {Grantee}";
}

internal static class BaselineKeys
{
    public static string Grant(Provider provider, string? account, string? resource, string? grantee) =>
        $"{provider}|{account}|{resource}|{GranteeIdentity.Key(provider, grantee)}";
}

/// <summary>
/// What was shared outside the trust zone at one time: the net sharing state (grants not revoked) and the known
/// external grantees. Saved as a versioned JSON file (<c>{"format":"TransferDetect.ShareBaseline","version":1,
/// "created":..., "grants":[...], "grantees":[...]}</c>, one entry per line, written as it goes); a later run is
/// compared with it (<see cref="ShareBaselineComparer"/>) and correlation uses its grantees for first-seen marking.
/// </summary>
public sealed class ShareBaseline
{
    public const string FormatName = "TransferDetect.ShareBaseline";
    public const int CurrentVersion = 1;

    private readonly HashSet<string> _granteeKeys = new(StringComparer.Ordinal);

    public ShareBaseline(DateTime created, IReadOnlyList<BaselineGrant> grants, IReadOnlyList<BaselineGrantee> grantees)
    {
        Created = created;
        Grants = grants;
        Grantees = grantees;
        foreach (var g in grantees) _granteeKeys.Add(g.Key);
    }

    public int Version => CurrentVersion;

    /// <summary>When the baseline was made (UTC).</summary>
    public DateTime Created { get; }

    public IReadOnlyList<BaselineGrant> Grants { get; }

    public IReadOnlyList<BaselineGrantee> Grantees { get; }

    /// <summary>Does the baseline know this principal (an AWS ARN and its account id are the same principal)?</summary>
    public bool KnowsGrantee(Provider provider, string? grantee)
    {
        string? key = GranteeIdentity.Qualified(provider, grantee);
        return key != null && _granteeKeys.Contains(key);
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>Writes the baseline to a file (replaced if it exists), entry by entry.</summary>
    public void Save(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Save(stream);
    }

    public void Save(Stream stream)
    {
        // One JSON document with one entry per line: diffable, and written without holding the text.
        var newline = new byte[] { (byte)'\n' };
        using (var head = new Utf8JsonWriter(stream, WriterOptions))
        {
            head.WriteStartObject();
            head.WriteString("format", FormatName);
            head.WriteNumber("version", CurrentVersion);
            head.WriteString("created", Iso(Created));
            head.Flush();
        }
        Write(stream, ",\"grants\":[");
        bool first = true;
        foreach (var g in Grants)
        {
            Write(stream, first ? "\n" : ",\n");
            first = false;
            using var w = new Utf8JsonWriter(stream, WriterOptions);
            w.WriteStartObject();
            w.WriteString("provider", g.Provider.ToString());
            w.WriteString("accountId", g.AccountId);
            w.WriteString("resourceType", g.ResourceType);
            w.WriteString("resourceId", g.ResourceId);
            w.WriteString("grantee", g.Grantee);
            w.WriteString("granteeType", g.GranteeType.ToString());
            w.WriteString("grantedAt", Iso(g.GrantedAt));
            w.WriteEndObject();
        }
        Write(stream, "],\"grantees\":[");
        first = true;
        foreach (var g in Grantees)
        {
            Write(stream, first ? "\n" : ",\n");
            first = false;
            using var w = new Utf8JsonWriter(stream, WriterOptions);
            w.WriteStartObject();
            w.WriteString("provider", g.Provider.ToString());
            w.WriteString("grantee", g.Grantee);
            w.WriteString("granteeType", g.GranteeType.ToString());
            w.WriteString("firstSeen", Iso(g.FirstSeen));
            w.WriteString("lastSeen", Iso(g.LastSeen));
            w.WriteEndObject();
        }
        Write(stream, "]}\n");
        stream.Flush();
    }

    private static void Write(Stream stream, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        stream.Write(bytes, 0, bytes.Length);
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads a baseline file.</summary>
    /// <exception cref="InvalidDataException">The file is not a baseline this version reads; the message names the file and the problem.</exception>
    public static ShareBaseline Load(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Load(stream, path);
    }

    public static ShareBaseline Load(Stream stream, string name)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name} is not a share baseline: it is not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
            {
                throw new InvalidDataException($"{name} is not a share baseline (it has no \"format\": \"{FormatName}\"); make one with Save-ShareBaseline.");
            }
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v < 1)
            {
                throw new InvalidDataException($"{name}: the baseline has no valid \"version\".");
            }
            if (v > CurrentVersion)
            {
                throw new InvalidDataException($"{name}: the baseline is of version {v}, newer than this module reads ({CurrentVersion}); update the module.");
            }
            var grants = new List<BaselineGrant>();
            int index = 0;
            foreach (var g in Array(root, "grants", name))
            {
                index++;
                grants.Add(new BaselineGrant
                {
                    Provider = Enum<Provider>(g, "provider", name, "grants", index),
                    AccountId = Text(g, "accountId"),
                    ResourceType = Text(g, "resourceType") ?? "",
                    ResourceId = Text(g, "resourceId"),
                    Grantee = Text(g, "grantee"),
                    GranteeType = Enum<GranteeType>(g, "granteeType", name, "grants", index),
                    GrantedAt = Time(g, "grantedAt", name, "grants", index),
                });
            }
            var grantees = new List<BaselineGrantee>();
            index = 0;
            foreach (var g in Array(root, "grantees", name))
            {
                index++;
                grantees.Add(new BaselineGrantee
                {
                    Provider = Enum<Provider>(g, "provider", name, "grantees", index),
                    Grantee = Text(g, "grantee") ?? throw new InvalidDataException($"{name}: grantees entry {index} has no grantee."),
                    GranteeType = Enum<GranteeType>(g, "granteeType", name, "grantees", index),
                    FirstSeen = Time(g, "firstSeen", name, "grantees", index),
                    LastSeen = Time(g, "lastSeen", name, "grantees", index),
                });
            }
            DateTime created = root.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.String && DateTime.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : default;
            return new ShareBaseline(created, grants, grantees);
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement root, string name, string file)
    {
        if (!root.TryGetProperty(name, out var list)) yield break;
        if (list.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{file}: \"{name}\" is not an array.");
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{file}: an entry of \"{name}\" is not an object.");
            yield return item;
        }
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static T Enum<T>(JsonElement e, string name, string file, string list, int index) where T : struct
    {
        string? text = Text(e, name);
        if (text != null && System.Enum.TryParse<T>(text, ignoreCase: true, out var value)) return value;
        throw new InvalidDataException($"{file}: {list} entry {index} has no valid \"{name}\" ('{text}').");
    }

    private static DateTime Time(JsonElement e, string name, string file, string list, int index)
    {
        string? text = Text(e, name);
        if (text != null && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)) return t;
        throw new InvalidDataException($"{file}: {list} entry {index} has no valid \"{name}\" time ('{text}').");
    }
}
