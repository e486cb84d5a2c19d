using Coordination.Hosting.Validation;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Intake.Validation;
using Coordination.Hosting.Auth;

namespace Intake.Members;

/// <summary>Rules for a new member: field name → message, empty when valid.</summary>
public static partial class MemberValidator
{
    public static Dictionary<string, string[]> Validate(MemberRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(r.Name)) errors["name"] = ["is required"];
        else if (r.Name.Length > 200) errors["name"] = ["must be at most 200 characters"];
        else if (NoNul.Violated(r.Name)) errors["name"] = [NoNul.Rule];
        if (!IsEmail(r.Email)) errors["email"] = ["must be an email address (at most 320 characters)"];
        if (string.IsNullOrEmpty(r.PublicHandle) || !Handle().IsMatch(r.PublicHandle))
            errors["publicHandle"] = ["must be 1-39 letters, digits, '.', '_' or '-', starting with a letter or digit"];
        if (r.Role is null || !Roles.All.Contains(r.Role))
            errors["role"] = [$"must be one of {string.Join(", ", Roles.All)}"];
        return errors;
    }

    public static bool IsEmail(string? text)
    {
        // No control character (NUL included): MailAddress takes them in a quoted local part (a backslash and NUL), and
        // PostgreSQL refuses NUL in text; an escape sequence would be shown in members' terminals.
        if (string.IsNullOrWhiteSpace(text) || text.Length > 320 || text.Any(char.IsControl)) return false;
        return MailAddress.TryCreate(text, out var address) && address.Address == text.Trim() && address.DisplayName.Length == 0;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,38}\\z")]
    private static partial Regex Handle();
}
