using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text.RegularExpressions;

namespace TransferDetect.Host;

/// <summary>Writes the host's streams as text: output to one writer, errors, warnings and verbose to the other.</summary>
internal sealed class HeadlessUserInterface : PSHostUserInterface
{
    private const string NoPrompt = "The headless host cannot prompt: pass every input as a parameter.";
    private static readonly Regex Escapes = new("\u001b(\\[[0-9;?]*[ -/]*[@-~]|\\][^\u0007\u001b]*(\u0007|\u001b\\\\))", RegexOptions.Compiled);
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly bool _plain;

    /// <param name="plain">True when the writers are not a terminal: colour and other escape sequences are removed.</param>
    public HeadlessUserInterface(TextWriter output, TextWriter errors, int width, bool plain)
    {
        _out = output;
        _err = errors;
        _plain = plain;
        RawUI = new HeadlessRawUserInterface(width);
    }

    public override PSHostRawUserInterface RawUI { get; }

    public override bool SupportsVirtualTerminal => !_plain;

    private string Clean(string value) => _plain && value.IndexOf('\u001b') >= 0 ? Escapes.Replace(value, "") : value;

    public override string ReadLine() => throw new PSInvalidOperationException(NoPrompt);
    public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException(NoPrompt);
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new PSInvalidOperationException(NoPrompt);
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw new PSInvalidOperationException(NoPrompt);
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new PSInvalidOperationException(NoPrompt);
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new PSInvalidOperationException(NoPrompt);

    public override void Write(string value) => _out.Write(Clean(value));
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _out.Write(Clean(value));
    public override void WriteLine(string value) => _out.WriteLine(Clean(value));
    public override void WriteErrorLine(string value) => _err.WriteLine(Clean(value));
    public override void WriteDebugLine(string message) => _err.WriteLine("DEBUG: " + Clean(message));
    public override void WriteVerboseLine(string message) => _err.WriteLine("VERBOSE: " + Clean(message));
    public override void WriteWarningLine(string message) => _err.WriteLine("WARNING: " + Clean(message));
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteInformation(InformationRecord record) { }
}
