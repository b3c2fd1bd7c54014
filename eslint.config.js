import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import vueI18n from '@intlify/eslint-plugin-vue-i18n'
import { readdirSync } from 'node:fs'

/** src/kernel imports only src/kernel; `depth` is how many folders below src/kernel the files are. */
function kernelBoundaries() {
  const framework = { regex: '^(vue|pinia|vue-router|@vueuse/.*|@/.*)$', message: 'src/kernel is framework-free and imports only src/kernel (relative paths).' }
  const outside = 'src/kernel imports nothing outside src/kernel (only contract.ts imports the API contract, type-only).'
  const up = (n) => '\\.\\./'.repeat(n)
  const block = (files, depth) => ({
    files,
    ignores: ['**/*.test.ts', 'src/kernel/db/testing.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          framework,
          depth === 0
            ? { regex: `^${up(1)}(?!${up(1)}server/src/api-types$)`, message: outside }
            : { regex: `^${up(depth + 1)}`, message: outside },
          ...(depth === 0 ? [{ regex: `^${up(2)}server/src/api-types$`, allowTypeImports: true, message: outside }] : []),
        ],
      }],
    },
  })
  return [block(['src/kernel/*.ts'], 0), block(['src/kernel/*/*.ts'], 1), block(['src/kernel/*/*/**/*.ts'], 2)]
}

/** One block per page folder: a page imports entities, features, shared and the kernel, never another page. */
function pageBoundaries() {
  const pages = readdirSync(new URL('./src/pages', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
  return pages.map((page) => ({
    files: [`src/pages/${page}/**/*.{ts,vue}`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: pages.filter((other) => other !== page).map((other) => ({
          regex: `^(@/pages/${other}(/|$)|(\\.\\./)+(pages/)?${other}(/|$))`,
          message: `src/pages/${page} must not import src/pages/${other}: move what both use to entities/, features/ or shared/.`,
        })),
      }],
    },
  }))
}

// Components written before localisation, converted one by one (then removed from this list).
// Everything not listed is held to no-raw-text already: no new English-only text.
const untranslated = [
  'src/app/App.vue',
  'src/app/AppNav.vue',
  'src/app/layouts/AgentLayout.vue',
  'src/features/composer-attachments/ChatAttachButton.vue',
  'src/features/composer-attachments/ChatAttachmentChips.vue',
  'src/features/composer-attachments/ChatCameraDialog.vue',
  'src/features/composer-attachments/ChatVideoRecorder.vue',
  'src/features/conversation-actions/ChatEndDialog.vue',
  'src/features/conversation-actions/ChatPendingActions.vue',
  'src/features/conversation-actions/ConversationActionMenu.vue',
  'src/features/conversation-actions/ConversationDetailsDialog.vue',
  'src/features/conversation-actions/ConversationHistoryDialog.vue',
  'src/features/conversation-actions/CustomerDetailsDialog.vue',
  'src/features/conversation-actions/InternalNotesDialog.vue',
  'src/features/conversation-actions/TransferDialog.vue',
  'src/features/install/PwaInstallSettings.vue',
  'src/features/push/PushSettings.vue',
  'src/pages/admin/AdminAgentForm.vue',
  'src/pages/admin/AdminAgentRow.vue',
  'src/pages/admin/AdminAgentsView.vue',
  'src/pages/admin/AdminDeviceRow.vue',
  'src/pages/admin/AdminDeviceSettings.vue',
  'src/pages/admin/AdminDevicesView.vue',
  'src/pages/admin/AdminFileRulesForm.vue',
  'src/pages/admin/AdminFileTypesField.vue',
  'src/pages/admin/AdminFilesView.vue',
  'src/pages/admin/AdminFormCard.vue',
  'src/pages/admin/AdminIdentityForm.vue',
  'src/pages/admin/AdminLoadProblem.vue',
  'src/pages/admin/AdminPasswordForm.vue',
  'src/pages/admin/AdminQueueForm.vue',
  'src/pages/admin/AdminQueueRow.vue',
  'src/pages/admin/AdminQueuesView.vue',
  'src/pages/admin/AdminStatus.vue',
  'src/pages/admin/AdminView.vue',
  'src/pages/auth/LoginPage.vue',
  'src/pages/conversation/ChatEmojiPicker.vue',
  'src/pages/conversation/ChatHeader.vue',
  'src/pages/conversation/ChatPage.vue',
  'src/pages/conversation/ChatPreviousConversations.vue',
  'src/pages/conversation/ChatRows.vue',
  'src/pages/conversation/ChatThread.vue',
  'src/pages/conversation/thread/ChatThreadItem.vue',
  'src/pages/conversations/ConversationListPage.vue',
  'src/pages/conversations/ConversationOfferBar.vue',
  'src/pages/conversations/ConversationRow.vue',
  'src/pages/conversations/ConversationSortMenu.vue',
  'src/pages/conversations/ConversationSwipeActions.vue',
  'src/pages/conversations/ConversationsHeader.vue',
  'src/pages/customer-chat/CustomerAddPhoto.vue',
  'src/pages/customer-chat/CustomerChatView.vue',
  'src/pages/customer-chat/CustomerComposer.vue',
  'src/pages/customer-chat/CustomerPrechatForm.vue',
  'src/pages/customer-chat/CustomerThread.vue',
  'src/pages/settings/SettingsAppearance.vue',
  'src/pages/settings/SettingsPage.vue',
  'src/shared/ui/UiAttachment.vue',
  'src/shared/ui/UiAttachmentChips.vue',
  'src/shared/ui/UiAttachmentImage.vue',
  'src/shared/ui/UiAttachmentVideo.vue',
  'src/shared/ui/UiBlobImage.vue',
  'src/shared/ui/UiButton.vue',
  'src/shared/ui/UiCheckbox.vue',
  'src/shared/ui/UiCheckboxGroup.vue',
  'src/shared/ui/UiCloseIcon.vue',
  'src/shared/ui/UiComposer.vue',
  'src/shared/ui/UiConfirmDialog.vue',
  'src/shared/ui/UiDialog.vue',
  'src/shared/ui/UiEmptyState.vue',
  'src/shared/ui/UiFormErrors.vue',
  'src/shared/ui/UiImageViewer.vue',
  'src/shared/ui/UiMenu.vue',
  'src/shared/ui/UiMessageBubble.vue',
  'src/shared/ui/UiMessageLog.vue',
  'src/shared/ui/UiRadioGroup.vue',
  'src/shared/ui/UiSelectField.vue',
  'src/shared/ui/UiTextField.vue',
  'src/shared/ui/UiUpdatePrompt.vue',
]

export default tseslint.config(
  { ignores: ['.tmp/**', 'dist/**', 'server/dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**', 'screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'vue/no-v-html': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Every user-facing string in a template comes from src/shared/i18n/locales (docs/architecture.md,
    // "Languages"): raw text in a template is an error. Symbols and numbers alone are not words.
    files: ['src/**/*.vue'],
    ignores: untranslated,
    plugins: { '@intlify/vue-i18n': vueI18n },
    settings: { 'vue-i18n': { localeDir: './src/shared/i18n/locales/*.json', messageSyntaxVersion: '^11.0.0' } },
    rules: {
      '@intlify/vue-i18n/no-raw-text': ['error', {
        ignorePattern: '^[\\s\\d.,:;!?…·•×+\\-–—/|()\\[\\]{}#%&*@<>="\'’“”«»]*$',
        attributes: { '/.+/': ['title', 'aria-label', 'placeholder', 'label', 'alt', 'hint', 'aria-description'] },
      }],
    },
  },
  // Boundaries (docs/architecture.md, "What may import what"). Tests are not shipped and may reach
  // fixtures elsewhere; everything else is held to them.
  ...pageBoundaries(),
  // The kernel is framework-free and worker-safe: no Vue, no Pinia, nothing outside src/kernel
  // (relative imports only: the service worker build has no '@' alias). Only contract.ts reaches the
  // API contract, for types. One block per folder depth, so "../" that leaves src/kernel is caught.
  ...kernelBoundaries(),
  {
    // The service worker imports only the kernel (and its own files, and workbox).
    files: ['src/sw/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(vue|pinia|vue-router|@/.*)$', message: 'src/sw imports only src/kernel and src/sw.' },
          { regex: '^\\.\\./(?!kernel/)', message: 'src/sw imports only src/kernel and src/sw.' },
        ],
      }],
    },
  },
  {
    // Server layers (docs/architecture.md, "Server layers"): routes → services → db/repositories.
    // Queries live only in server/src/db: routes, plugins and services call repositories, which take
    // a Kysely<DB> or the caller's Transaction<DB>; types from kysely stay allowed (Transaction, Kysely).
    files: ['server/src/routes/**/*.ts', 'server/src/services/**/*.ts', 'server/src/plugins/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'kysely', allowTypeImports: true, importNames: ['sql', 'Kysely', 'expressionBuilder'], message: 'Queries live in server/src/db/repositories; import types only from kysely here.' }],
      }],
      'no-restricted-syntax': ['error', {
        selector: 'CallExpression[callee.type="MemberExpression"][callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)$/]',
        message: 'Queries live in server/src/db/repositories: call a repository function (it takes a Kysely<DB> or the caller\'s transaction).',
      }],
    },
  },
  {
    // Routes parse, check who asks, call services or repositories and shape the answer; the
    // transaction boundaries belong to services.
    files: ['server/src/routes/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'CallExpression[callee.type="MemberExpression"][callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)$/]',
        message: 'Queries live in server/src/db/repositories: call a repository function.',
      }, {
        selector: 'CallExpression[callee.type="MemberExpression"][callee.property.name="transaction"]',
        message: 'Transactions are opened by services (withEvents or db.transaction() in server/src/services), not routes.',
      }],
    },
  },
  {
    // db/ is the bottom layer: it imports nothing from services, routes or plugins.
    files: ['server/src/db/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(\\.\\./)+(services|routes|plugins)/', message: 'server/src/db imports nothing from services, routes or plugins (the layers go routes → services → db).' }],
      }],
    },
  },
  {
    // Tests talk to JSON APIs whose shapes they assert.
    files: ['**/*.test.ts', 'server/src/test/**', 'e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
