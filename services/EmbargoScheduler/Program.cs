using EmbargoScheduler;
using Coordination.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(EmbargoSchedulerExtensions.Service, EmbargoSchedulerExtensions.ConfigureBus);
builder.AddEmbargoScheduler();

var app = builder.BuildService();
app.MapDefaultEndpoints();
app.MapEmbargoSchedulerApis();

return await app.RunServiceAsync();
