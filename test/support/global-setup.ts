// Placeholder until the infrastructure lands: integration tests will start Kafka,
// FerretDB and SMTP here (see issue "Foundation").
export default async function globalSetup(): Promise<void> {}
