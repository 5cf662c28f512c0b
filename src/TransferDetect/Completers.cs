using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
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

/// <summary>Tab completion of -Region: the AWS regions.</summary>
public sealed class AwsRegionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.From(AwsRegions.Known, wordToComplete);
}

/// <summary>Tab completion of -Operation: the CloudTrail event names Get-SnapshotShareEvent reads.</summary>
public sealed class SnapshotOperationCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.From(ShareLogReader.SnapshotOperations, wordToComplete);
}
