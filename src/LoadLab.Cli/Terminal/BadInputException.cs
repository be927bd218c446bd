namespace LoadLab.Cli.Terminal;

/// <summary>
/// Wrong input found deep inside a command (an option's value, a file the command reads): the command line turns it
/// into <c>loadlab: message</c> and <see cref="ExitCodes.BadInput"/>, with no stack trace.
/// </summary>
internal sealed class BadInputException(string message) : Exception(message);
