using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Commands;

/// <summary>Completes a value from a fixed list: prefix matches first, case-insensitive, quoted when needed.</summary>
internal static class Completion
{
    public static IEnumerable<CompletionResult> From(IEnumerable<string> values, string wordToComplete)
    {
        string word = (wordToComplete ?? "").Trim('\'', '"');
        return values
            .Where(v => v.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
    }
}

/// <summary>Tab completion of -Region: the AWS regions, then * (every region; for the live sources, every enabled one).</summary>
public sealed class AwsRegionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        foreach (var r in Completion.From(AwsRegions.Known, wordToComplete)) yield return r;
        string word = (wordToComplete ?? "").Trim('\'', '"');
        if (word.Length == 0 || word == "*") yield return new CompletionResult("'*'", "*", CompletionResultType.ParameterValue, "every region (live: every region enabled in the account)");
    }
}

/// <summary>
/// Tab completion of -Operation: the operations the command reads (its categories; Get-ShareEvent's
/// -Category), narrowed to the providers given with -Provider.
/// </summary>
public sealed class OperationCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        ShareCategory[]? categories = (commandName ?? "").ToLowerInvariant() switch
        {
            "get-snapshotshareevent" => new[] { ShareCategory.Snapshot },
            "get-storageshareevent" => new[] { ShareCategory.Storage },
            "get-fileshareevent" => new[] { ShareCategory.File },
            _ => Bound<ShareCategory>(fakeBoundParameters, "Category"),
        };
        var providers = Bound<Provider>(fakeBoundParameters, "Provider");
        return Completion.From(ShareLogReader.OperationsOf(providers, categories), wordToComplete);
    }

    /// <summary>The values of an enum parameter already typed on the command line (names, any case), or null.</summary>
    private static T[]? Bound<T>(IDictionary bound, string name) where T : struct
    {
        if (bound == null || !bound.Contains(name)) return null;
        var values = new List<T>();
        foreach (var item in LanguagePrimitives.GetEnumerable(bound[name]) ?? new[] { bound[name] })
        {
            var text = item is PSObject p ? p.BaseObject?.ToString() : item?.ToString();
            if (text != null && Enum.TryParse<T>(text.Trim('\'', '"'), true, out var v)) values.Add(v);
        }
        return values.Count == 0 ? null : values.ToArray();
    }
}
