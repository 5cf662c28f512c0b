using System;
using System.IO;
using System.Linq;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>Where an S3 object's evidence copy goes under a destination folder: never outside it.</summary>
internal static class TrailBucketPaths
{
    /// <summary>
    /// The path of <paramref name="key"/> under <paramref name="destination"/>, keeping the key's folders; null
    /// when the key has an empty, "." or ".." segment, a backslash, a colon or a character a file name cannot
    /// hold, or would otherwise land outside the destination.
    /// </summary>
    public static string? Under(string destination, string key)
    {
        if (string.IsNullOrEmpty(key) || key.StartsWith("/", StringComparison.Ordinal)) return null;
        var segments = key.Split('/');
        var invalid = Path.GetInvalidFileNameChars();
        foreach (var s in segments)
        {
            if (s.Length == 0 || s == "." || s == ".." || s.IndexOfAny(invalid) >= 0 || s.IndexOf('\\') >= 0 || s.IndexOf(':') >= 0) return null;
            if (s.Trim().Length == 0 || s.EndsWith(".", StringComparison.Ordinal) && s.Trim('.').Length == 0) return null;
        }
        string root = Path.GetFullPath(destination);
        string rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(Path.Combine(new[] { root }.Concat(segments).ToArray()));
        return full.StartsWith(rootWithSeparator, StringComparison.Ordinal) ? full : null;
    }
}
