using System;
using System.Collections.Generic;
using System.Text.Json;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Lenient reading of CloudTrail requestParameters: S3 writes its XML bodies with the element names
/// (AccessControlPolicy, ReplicationConfiguration), the other services camelCase, and exports and
/// converters change the case; a list of one is often written as the item itself.
/// </summary>
internal static class AwsJson
{
    /// <summary>The property of this name, exactly or else in any case; default when absent or not an object.</summary>
    public static JsonElement Get(this JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object) return default;
        if (e.TryGetProperty(name, out var exact)) return exact;
        foreach (var p in e.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        }
        return default;
    }

    /// <summary>The first of several names that is present (any case).</summary>
    public static JsonElement Get(this JsonElement e, string name, string alternative)
    {
        var v = e.Get(name);
        return v.ValueKind != JsonValueKind.Undefined ? v : e.Get(alternative);
    }

    /// <summary>The text of a property (any case), or null.</summary>
    public static string? Text(this JsonElement e, string name) => e.Get(name).Str();

    /// <summary>The items of an array, or the value itself when it is a single item; nothing for null or absent.</summary>
    public static IEnumerable<JsonElement> OneOrMany(this JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray()) yield return item;
        }
        else if (e.ValueKind != JsonValueKind.Undefined && e.ValueKind != JsonValueKind.Null)
        {
            yield return e;
        }
    }

    /// <summary>The non-empty strings of a string, or of an array of strings (numbers as their text).</summary>
    public static List<string> Strings(this JsonElement e)
    {
        var list = new List<string>();
        foreach (var item in e.OneOrMany())
        {
            string? s = item.Str();
            if (!string.IsNullOrEmpty(s)) list.Add(s!);
        }
        return list;
    }

    /// <summary>A boolean written as true/false or as the strings "true"/"false" (any case); null otherwise.</summary>
    public static bool? Bool(this JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when string.Equals(e.GetString(), "true", StringComparison.OrdinalIgnoreCase) => true,
        JsonValueKind.String when string.Equals(e.GetString(), "false", StringComparison.OrdinalIgnoreCase) => false,
        _ => null,
    };

    /// <summary>"arn:aws:s3:::name" for a bucket name; an ARN stays as it is.</summary>
    public static string BucketArn(string bucket) =>
        bucket.StartsWith("arn:", StringComparison.Ordinal) ? bucket : "arn:aws:s3:::" + bucket;
}
