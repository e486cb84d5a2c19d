using Intake;
using Coordination.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(IntakeExtensions.Service, IntakeExtensions.ConfigureBus);
builder.AddIntake();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIntakeApis();

return await app.RunServiceAsync();
