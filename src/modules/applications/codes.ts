// Applicant categories (the report's columns) and intake channels: plain data, no TypeORM, so pure rules can import them.

export type ApplicantCategory = "natural_person" | "org.commercial" | "org.research" | "org.public_welfare" | "org.legal_service" | "org.other";

export const APPLICANT_CATEGORIES: ApplicantCategory[] = [
  "natural_person",
  "org.commercial",
  "org.research",
  "org.public_welfare",
  "org.legal_service",
  "org.other",
];

export type Channel = "online" | "wechat" | "miniprogram" | "in_person" | "mail_registered" | "mail" | "fax";
export const CITIZEN_CHANNELS = ["online", "wechat", "miniprogram"] as const;
export const STAFF_CHANNELS = ["in_person", "mail_registered", "mail", "fax"] as const;
